import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Calibration } from '../result/calibration.ts';
import type { Result, ScenarioResult } from '../result/schema.ts';
import { realisticScenario, resultOf, tightScenario } from '../report/testing/result-fixture.ts';
import { Facts, type Fact } from './facts.ts';
import { buildMemo } from './memo.ts';
import { renderHtml, renderMarkdown } from './render.ts';
import { collectFindings } from './sources.ts';

/** The instrumented side as another backend (the fixture's is `fast`). */
function asBackend(s: ScenarioResult, backend: string): ScenarioResult {
  return { ...s, variants: { ...s.variants, instrumented: { ...s.variants.instrumented, backend, env: { METRICS_BACKEND: backend } } } };
}

function withBytesPerClient(s: ScenarioResult, bytes: number): ScenarioResult {
  return { ...s, rounds: s.rounds.map((r) => (r.variant === 'instrumented' ? { ...r, extra: { bytesPerClient: bytes } } : r)) };
}

const tight = resultOf([
  tightScenario({ workload: 'record', backend: 'fast', baselineNs: 1.2, instrumentedNs: 11.4 }),
  tightScenario({ workload: 'hot-path', backend: 'fast', baselineNs: 1750, instrumentedNs: 1768 }),
  withBytesPerClient(tightScenario({ workload: 'clients-10000', backend: 'fast', baselineNs: 1.3, instrumentedNs: 12.9 }), 37.25),
  tightScenario({ workload: 'record', backend: 'prom', baselineNs: 1.2, instrumentedNs: 410 }),
  tightScenario({ workload: 'hot-path', backend: 'prom', baselineNs: 1750, instrumentedNs: 2650, budgetPct: 5 }),
], { runId: 'tight-run', finishedAt: '2026-11-27T02:00:00.000Z', command: 'overbench tight --profile ci --seed 3' });

const gate = resultOf([
  realisticScenario({ name: 'hot-path-open', slowdown: 1.0, noise: 0.004, rounds: 12, seed: 4 }),
  realisticScenario({ name: 'chat-realistic', slowdown: 1.0, noise: 0.004, rounds: 12, seed: 5 }),
], { runId: 'gate-run', finishedAt: '2026-11-27T03:00:00.000Z', command: 'overbench gate --seed 21' });

// An older run of the same scenario and backend: the newer gate must win.
const older = resultOf([realisticScenario({ name: 'hot-path-open', slowdown: 1.5, rounds: 6, seed: 8 })], { runId: 'old-run', finishedAt: '2026-11-26T00:00:00.000Z' });

const promRun = resultOf([asBackend(realisticScenario({ name: 'hot-path-open', slowdown: 1.3, noise: 0.004, rounds: 12, seed: 6 }), 'prom')], {
  runId: 'prom-run', finishedAt: '2026-11-27T04:00:00.000Z', command: 'overbench realistic --scenario hot-path-open --profile ci --backend prom --seed 9',
});

const calibration: Calibration = {
  schemaVersion: 1,
  runId: 'cal-run',
  finishedAt: '2026-11-27T05:00:00.000Z',
  command: 'overbench calibrate --profile ci --repeats 3 --seed 42',
  method: { alpha: 0.05, power: 0.8, burnMultiples: [0, 0.5, 1, 2] },
  scenarios: [{
    name: 'hot-path-open', profile: 'ci', rounds: 12, design: 'duet',
    aa: { repeats: 3, falseFailRate: 0, falseInconclusiveRate: 1 / 3, halfWidthPct: { cpuPerRequest: 3.1 } },
    injected: [], mdePct: { cpuPerRequest: 4.25, p99: 31.5, throughput: 0.12 },
    intervalHonesty: { n: 6, scale: 1.89, chiSquare: 21.5, pValue: 0.0016 },
    pairLuck: { cpuPerRequest: { sdPct: 2.45, n: 6, mdePct: 7.27, covered: 6 } },
  }],
};

// A later calibrate run of another scenario: each scenario's newest calibration counts.
const chatCalibration: Calibration = {
  ...calibration,
  runId: 'cal-chat',
  finishedAt: '2026-11-27T06:00:00.000Z',
  command: 'overbench calibrate --scenario chat-realistic --profile ci --seed 43',
  scenarios: [{ ...calibration.scenarios[0], name: 'chat-realistic', processes: 3, mdePct: { cpuPerRequest: 8.75, p99: 33.2, throughput: 8.3 }, intervalHonesty: { n: 6, scale: 1.12, chiSquare: 7.5, pValue: 0.28 }, pairLuck: undefined }],
};

const MARK = (f: Fact) => `\u27E6${f.id}~${f.text}\u27E7`;
const MARKED = /\u27E6(\d+)~([^\u27E7]*)\u27E7/g;

/** The value at `path` (`scenarios[3].comparisons[1].estimatePct`) of a parsed JSON file. */
function at(doc: unknown, p: string): unknown {
  let v = doc as Record<string, unknown>;
  for (const part of p.split('.').flatMap((s) => s.split(/\[(\d+)\]/).filter(Boolean))) v = v?.[part] as Record<string, unknown>;
  return v;
}

/** The first number in a fact's text ("+1.2%", "1,764.1 ns", "0.0063%"), and its decimals. */
function numberIn(text: string): { value: number; decimals: number } {
  const m = /-?\d[\d,]*(?:\.(\d+))?/.exec(text);
  if (!m) throw new Error(`no number in "${text}"`);
  return { value: Number(m[0].replace(/,/g, '')), decimals: m[1]?.length ?? 0 };
}

describe('overbench findings: the memo from fixture results', () => {
  let dir: string;
  const files: Record<string, unknown> = {};
  async function put(sub: string, name: string, data: Result | Calibration) {
    await mkdir(path.join(dir, sub), { recursive: true });
    await writeFile(path.join(dir, sub, name), JSON.stringify(data));
    files[`${sub}/${name}`] = JSON.parse(JSON.stringify(data));
  }
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-findings-'));
    await put('tight-run', 'result.json', tight);
    await put('gate-run', 'result.json', gate);
    await put('old-run', 'result.json', older);
    await put('prom-run', 'result.json', promRun);
    await put('cal-run', 'calibration.json', calibration);
    await put('cal-chat', 'calibration.json', chatCalibration);
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('every number it states is read from a result file at its citation, or derived from such numbers by its formula', async () => {
    const facts = new Facts(MARK);
    const { blocks } = buildMemo(await collectFindings(dir), facts);
    const md = renderMarkdown(blocks);
    const printed = [...md.matchAll(MARKED)];
    expect(printed.length).toBeGreaterThan(60);
    for (const [, id, text] of printed) {
      const fact = facts.all[Number(id)];
      expect(fact.text).toBe(text);
      if (fact.kind === 'read') {
        const [file, p] = fact.from.split('#');
        expect(at(files[file], p), fact.from).toBe(fact.value);
        const shown = numberIn(text);
        // The text is the value (times its scale) rounded to the decimals it shows.
        expect(Math.abs(shown.value - fact.value * fact.scale), `${fact.from}: "${text}"`).toBeLessThanOrEqual(0.5 * 10 ** -shown.decimals + 1e-9);
      } else {
        const inputs = fact.inputs.map((i) => facts.all[i]);
        // Inputs come first (read, or derived and checked in turn): no derivation rests on a later one.
        for (const input of inputs) expect(input.id, `input of ${fact.formula}`).toBeLessThan(fact.id);
        expect(fact.compute(inputs.map((i) => i.value))).toBe(fact.value);
        // A derivation is shown with its inputs: each input is printed in the memo too.
        for (const input of inputs) expect(md).toContain(`\u27E6${input.id}~`);
      }
    }
    // Outside the facts, digits appear only inside names taken from the files (scenarios,
    // workloads, metrics, run folders, commands, the machine, dates, the commit).
    const names = [
      ...Object.keys(files), ...[tight, gate, older, promRun].flatMap((r) => [r.command ?? '', r.finishedAt, r.env.cpuModel, r.env.os, r.env.node, r.env.gitSha ?? '']),
      calibration.command!, chatCalibration.command!, 'clients-10000', 'p99', 'p50', 'p95',
    ];
    let rest = md.replace(MARKED, '');
    for (const n of names.sort((a, b) => b.length - a.length)) rest = rest.split(n).join('');
    expect(rest.match(/.{0,30}\d.{0,30}/g) ?? []).toEqual([]);
  });

  it('takes the newest measurement of each scenario and backend, and says go / no-go per backend from the verdicts', async () => {
    const findings = await collectFindings(dir);
    expect(findings.realistic.map((s) => `${s.file}:${s.scenario.name}:${s.scenario.variants.instrumented.backend}`).sort()).toEqual([
      'gate-run/result.json:chat-realistic:fast', 'gate-run/result.json:hot-path-open:fast', 'prom-run/result.json:hot-path-open:prom',
    ]);
    expect(findings.tight.map((s) => s.scenario.name)).toContain('tight/hot-path/prom');
    const md = renderMarkdown(buildMemo(findings).blocks);
    const promCpu = promRun.scenarios[0].comparisons.find((c) => c.metric === 'cpuPerRequest')!;
    expect(promCpu.verdict).toBe('fail');
    expect(md).toMatch(/\*\*prom: no-go\.\*\* over budget in hot-path-open \([^)]*cpuPerRequest[^)]*\)/);
    const fastVerdicts = gate.scenarios.flatMap((s) => s.comparisons.map((c) => c.verdict));
    if (fastVerdicts.includes('fail')) expect(md).toMatch(/\*\*fast: no-go/);
    else if (fastVerdicts.includes('inconclusive')) expect(md).toMatch(/\*\*fast: not decided\.\*\*/);
    else expect(md).toMatch(/\*\*fast: go\.\*\* Every budget met in hot-path-open, chat-realistic/);
    expect(md).toContain('overbench gate --seed 21    # gate-run/result.json');
    expect(md).toContain('overbench calibrate --profile ci --repeats 3 --seed 42    # cal-run/calibration.json');
    expect(md).toContain('| hot-path-open | CPU-only path | fast |');
    expect(md).toMatch(/\| hot-path-open \| ci, 12 rounds, duet \| 4\.3% \| 31\.5% \|.*\| 1\.9x, too narrow \| 7\.3% \(sd 2\.5%\) \|$/m);
    expect(md).toMatch(/\| chat-realistic \| ci, 12 rounds in 3 pairs of processes, duet \| 8\.8% \| 33\.2% \|.*\| 1\.1x, honest \| n\/a \|$/m);
    expect(md).toMatch(/\| chat-realistic \| chat pipeline \| fast \|.*\| 8\.8% \|$/m);
    expect(md).toContain('| chat-realistic | chat pipeline | fast |');
  });

  it('the HTML says the same, escaped, self-contained', async () => {
    const { blocks } = buildMemo(await collectFindings(dir));
    const html = renderHtml(blocks);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    expect(html).toContain('<strong>prom: no-go.</strong>');
    expect(html).toContain('<td>hot-path-open</td><td>CPU-only path</td><td>fast</td>');
  });

  it('a folder without results is one clear line', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'overbench-findings-empty-'));
    await expect(collectFindings(empty)).rejects.toThrow(/--results .*: no tight or realistic result found/);
    await expect(collectFindings(path.join(empty, 'missing'))).rejects.toThrow(/--results .*missing: no such folder/);
    await rm(empty, { recursive: true, force: true });
    expect(await readFile(path.join(dir, 'gate-run', 'result.json'), 'utf8')).toContain('gate-run');
  });
});
