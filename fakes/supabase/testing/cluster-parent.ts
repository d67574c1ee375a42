/**
 * Test fixture for postgres-orphan.e2e.test.ts: start a throwaway cluster, print one JSON line
 * {dir, postmasterPid}, then wait to be killed. It closes the cluster and exits by itself after
 * two minutes, so a test that forgot it leaves nothing for long.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startThrowawayCluster } from '../postgres-cluster.ts';

const cluster = await startThrowawayCluster();
const postmasterPid = Number(readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
process.stdout.write(JSON.stringify({ dir: cluster.dir, postmasterPid }) + '\n');
setTimeout(() => void cluster.close().then(() => process.exit(0)), 120_000);
