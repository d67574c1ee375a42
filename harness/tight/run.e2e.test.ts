import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Result, SCHEMA_VERSION, ScenarioResult } from '../result/schema.ts';
import { runTight, type TightEvent } from './run.ts';

describe('runTight (worker processes, smoke profile)', () => {
  it('returns tight/<workload>/<backend> scenarios that validate, count exactly, carry ns/op and the account per round, and CPU profiles', async () => {
    const events: TightEvent[] = [];
    const cpuProfileDir = await mkdtemp(path.join(os.tmpdir(), 'tight-profiles-'));
    const scenarios = await runTight({ profile: 'smoke', rounds: 2, backends: ['fast'], seed: 7, cpuProfileDir, onEvent: (e) => events.push(e) });
    expect(scenarios.map((s) => s.name)).toEqual([
      'tight/record/fast', 'tight/hot-path/fast', 'tight/clients-4/fast', 'tight/clients-100/fast', 'tight/clients-10000/fast',
    ]);
    for (const s of scenarios) {
      ScenarioResult.parse(s);
      expect(s.kind).toBe('tight');
      expect(s.rounds).toHaveLength(4);
      for (const r of s.rounds) {
        expect(r.valid, r.invalidReason).toBe(true);
        expect(typeof r.nsPerOp).toBe('number');
        expect(r.requests).toBeGreaterThan(0);
      }
      // each round ran both variants, one first and one second
      expect(new Set(s.rounds.filter((r) => r.round === 0).map((r) => r.order))).toEqual(new Set([0, 1]));
      expect(s.comparisons[0].metric).toBe('nsPerOp');
      expect(s.exactness?.ok, s.exactness?.detail).toBe(true);
      expect(s.exactness!.recorded).toBe(s.exactness!.expected);
    }
    const wide = scenarios.find((s) => s.name === 'tight/clients-10000/fast')!;
    const perClient = wide.rounds.find((r) => r.variant === 'instrumented' && r.extra?.bytesPerClient !== undefined)?.extra?.bytesPerClient;
    expect(perClient).toBeGreaterThan(0);
    expect(perClient).toBeLessThanOrEqual(256); // the goal for fast
    expect(events[0].type).toBe('start');
    expect(events.at(-1)?.type).toBe('done');
    // 2 rounds x 9 workloads (5 with scenarios, 4 call-* parts) x 1 backend paired with none
    expect(events.filter((e) => e.type === 'task')).toHaveLength(2 * 9);

    // the hot-path windows carry the paired ratio, the copies and the account's parts and census
    const hot = scenarios.find((s) => s.name === 'tight/hot-path/fast')!;
    for (const w of hot.rounds.filter((r) => r.variant === 'instrumented')) {
      expect(w.extra).toMatchObject({ copies: 2, 'perOp.frameReceived': 1, 'perOp.frameSent': 2, 'perOp.stageLatency': 0, 'perOp.requestDone': 1, clockReadsPerOp: 3 });
      for (const k of ['ratio', 'deltaNs', 'part.frameReceived', 'part.frameSent', 'part.stageLatency', 'part.requestDone']) expect(Number.isFinite(w.extra![k]), k).toBe(true);
    }

    // one .cpuprofile per workload and side, from the last round, each a V8 profile
    const files = (await readdir(cpuProfileDir)).sort();
    expect(files).toContain('hot-path.fast.cpuprofile');
    expect(files).toContain('hot-path.none.cpuprofile');
    expect(files).toHaveLength(2 * 9);
    const profile = JSON.parse(await readFile(path.join(cpuProfileDir, 'hot-path.fast.cpuprofile'), 'utf8'));
    expect(profile.nodes.length).toBeGreaterThan(1);
    expect(profile.samples.length).toBeGreaterThan(0);
    await rm(cpuProfileDir, { recursive: true, force: true });

    const result = {
      schemaVersion: SCHEMA_VERSION, tool: { name: 'overbench', version: 'test' }, runId: 'x', startedAt: '', finishedAt: '',
      env: { node: '', os: '', cpuModel: '', cpus: 2, gitSha: null, world: null }, verdict: 'pass', scenarios,
    };
    expect(() => Result.parse(result)).not.toThrow();
  }, 240_000);
});
