/**
 * A fresh machine without redis-server or Chromium: their tests are skipped and the run closes
 * with one line naming them, the count and the install command; under
 * OVERBENCH_REQUIRE_SYSTEM_DEPS=1 the same run fails. Runs vitest on a fixture with a PATH that
 * holds node and nothing else.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const bare = mkdtempSync(join(tmpdir(), 'overbench-bare-path-'));
symlinkSync(process.execPath, join(bare, 'node'));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

function runFixture(extraEnv: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bare, CHROMIUM_PATH: '', CI: '1', NO_COLOR: '1' };
  delete env.OVERBENCH_REQUIRE_SYSTEM_DEPS; // CI sets it for the outer run
  Object.assign(env, extraEnv);
  const r = spawnSync(process.execPath, [vitestBin, 'run', '--config', join(here, 'fixtures', 'vitest.fixture.config.ts')], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('tests that need a missing system binary', () => {
  it('are skipped, and the run ends with one line: what was missing, how many tests, how to install', () => {
    const { status, out } = runFixture({});
    expect(status, out).toBe(0);
    const lines = out.split('\n').filter((l) => l.startsWith('Skipped for missing system binaries'));
    expect(lines).toEqual([
      'Skipped for missing system binaries: chromium (1 test), redis-server (3 tests). Install them with: sudo apt-get update && sudo apt-get install -y chromium redis-server',
    ]);
    expect(out).toMatch(/1 passed \| 3 skipped/);
  }, 70_000);

  it('fail the run under OVERBENCH_REQUIRE_SYSTEM_DEPS=1, naming the binary and the package', () => {
    const { status, out } = runFixture({ OVERBENCH_REQUIRE_SYSTEM_DEPS: '1' });
    expect(status).toBe(1);
    expect(out).toContain('missing redis-server and OVERBENCH_REQUIRE_SYSTEM_DEPS=1: apt-get install -y redis-server');
    expect(out).toContain('missing chromium, redis-server and OVERBENCH_REQUIRE_SYSTEM_DEPS=1');
  }, 70_000);
});
