import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { tsxExecArgv } from '../../common/tsx.ts';

const PROBE = fileURLToPath(new URL('./fixtures/copies-probe.ts', import.meta.url));

it('each backend copy gets its own instance of the daemon modules (monomorphic call sites per copy), under node + tsx', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [...tsxExecArgv(), PROBE], { timeout: 60_000 });
  expect(JSON.parse(stdout)).toEqual({
    fastClassesDiffer: true, notThePlainClass: true, className: 'FastMetrics', backends: ['fast', 'fast', 'none'], sameCopyReused: true,
  });
}, 70_000);
