/** fakes/main.ts's argument handling, in-process: every bad input is one line and exit 2. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseFlags, resolveConfig, run } from './main.ts';

/** run(argv) with stdout/stderr captured. */
async function runCaptured(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await run(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('fakes/main.ts arguments', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'overbench-fakes-main-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  const bad: Array<[string, () => string[], RegExp]> = [
    ['unknown flag', () => ['--bogus', '1'], /^fakes: unknown flag --bogus \(see --help\)$/],
    ['positional argument', () => ['fake'], /^fakes: unexpected argument "fake"/],
    ['flag without value', () => ['--seed'], /^fakes: --seed needs a value$/],
    ['flag followed by another flag', () => ['--redis', '--seed', '1'], /^fakes: --redis needs a value$/],
    ['bad latency spec', () => ['--supabase-latency', 'normal:mean=8ms'], /^fakes: --supabase-latency: latency spec "normal:mean=8ms": missing key "sd"/],
    ['spec without unit', () => ['--redis-latency=constant:v=5'], /^fakes: --redis-latency: latency spec "constant:v=5": v "5" has no unit/],
    ['bad redis mode', () => ['--redis', 'maybe'], /^fakes: --redis: /],
    ['bad store', () => ['--store', 'sqlite'], /^fakes: --store: /],
    ['non-numeric seed', () => ['--seed', 'x'], /^fakes: --seed: "x" is not a number$/],
    ['fractional seed', () => ['--seed', '1.5'], /^fakes: --seed: /],
    ['rate above 1', () => ['--provider-error-rate', '2'], /^fakes: --provider-error-rate: /],
    ['zero rpm', () => ['--provider-rpm', '0'], /^fakes: --provider-rpm: Too small: expected number to be >0$/],
    ['fractional tpm', () => ['--provider-tpm', '2.5'], /^fakes: --provider-tpm: /],
    ['config bad rpm', () => ['--config', file('rpm.json', '{"providerRpm":-3}')], /^fakes: --config .*rpm\.json: providerRpm: /],
    ['missing config file', () => ['--config', join(dir, 'nope.json')], /^fakes: --config .*nope\.json: cannot read \(ENOENT\)$/],
    ['config not JSON', () => ['--config', file('broken.json', '{"redis": ')], /^fakes: --config .*broken\.json: not valid JSON/],
    ['config not an object', () => ['--config', file('array.json', '[]')], /^fakes: --config .*array\.json: must be a JSON object/],
    ['config unknown key', () => ['--config', file('typo.json', '{"redisLatncy":"constant:v=1ms"}')], /^fakes: --config .*typo\.json: unknown key "redisLatncy" \(expected .*redisLatency/],
    ['config bad spec', () => ['--config', file('spec.json', '{"providerLatency":"constant:v=-1ms"}')], /^fakes: --config .*spec\.json: providerLatency: latency spec "constant:v=-1ms": .*negative/],
    ['config wrong type', () => ['--config', file('type.json', '{"seed":"7"}')], /^fakes: --config .*type\.json: seed: /],
  ];
  for (const [what, argv, message] of bad) {
    it(`${what}: one line, exit 2`, async () => {
      const r = await runCaptured(argv());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd()).toMatch(message);
      expect(r.stderr.endsWith('\n')).toBe(true);
      expect(r.stderr.trim()).not.toContain('\n');
    });
  }

  it('--help prints the usage and exits 0', async () => {
    const r = await runCaptured(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run fakes/);
    expect(r.stdout).toContain('--redis-latency SPEC');
  });

  it('provider rate limits from flags or the config file', () => {
    const config = file('limits.json', JSON.stringify({ providerRpm: 60, providerTpm: 9000 }));
    expect(resolveConfig(parseFlags(['--config', config, '--provider-rpm', '30'])).config).toEqual({ providerRpm: 30, providerTpm: 9000 });
  });

  it('flags override the config file; empirical paths resolve beside the file', () => {
    file('rtt.txt', '1ms\n2ms\n');
    const config = file('world.json', JSON.stringify({ redis: 'real', seed: 4, redisLatency: 'empirical:file=rtt.txt' }));
    const { config: merged, baseDir } = resolveConfig(parseFlags(['--config', config, '--redis=fake', '--provider-latency', 'constant:v=1ms']));
    expect(merged).toEqual({ redis: 'fake', seed: 4, redisLatency: 'empirical:file=rtt.txt', providerLatency: 'constant:v=1ms' });
    expect(baseDir).toBe(dir);
  });
});
