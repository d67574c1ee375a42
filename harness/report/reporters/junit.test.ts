import { describe, expect, it } from 'vitest';
import { defaultContext } from '../reporter.ts';
import { realisticScenario, resultOf, sampleResult } from '../testing/result-fixture.ts';
import { parseXmlStrict, type XmlElement } from '../testing/xml.ts';
import { junitReporter } from './junit.ts';

const outcome = (tc: XmlElement) => tc.children.find((c) => ['failure', 'skipped', 'error'].includes(c.name))?.name ?? 'passed';

describe('junit reporter', () => {
  const result = sampleResult();

  it('is well-formed XML with a testsuite per scenario and a testcase per comparison plus exactness', () => {
    const root = parseXmlStrict(junitReporter.render(result, defaultContext()));
    expect(root.name).toBe('testsuites');
    const suites = root.children.filter((c) => c.name === 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(result.scenarios.map((s) => s.name));
    suites.forEach((suite, i) => {
      const s = result.scenarios[i];
      const cases = suite.children.filter((c) => c.name === 'testcase');
      expect(cases).toHaveLength(s.comparisons.length + (s.exactness ? 1 : 0) + (s.error ? 1 : 0));
      expect(Number(suite.attrs.tests)).toBe(cases.length);
      expect(Number(suite.attrs.failures)).toBe(cases.filter((c) => outcome(c) === 'failure').length);
      expect(Number(suite.attrs.skipped)).toBe(cases.filter((c) => outcome(c) === 'skipped').length);
      expect(Number(suite.attrs.errors)).toBe(cases.filter((c) => outcome(c) === 'error').length);
    });
    const total = result.scenarios.reduce((n, s) => n + s.comparisons.length + (s.exactness ? 1 : 0), 0);
    expect(Number(root.attrs.tests)).toBe(total);
    const failing = result.scenarios.reduce((n, s) => n + s.comparisons.filter((c) => c.verdict !== 'pass').length + (s.exactness && !s.exactness.ok ? 1 : 0), 0);
    expect(Number(root.attrs.failures)).toBe(failing); // inconclusive counts as failure by default
  });

  it('escapes scenario names and keeps them exact after parsing', () => {
    const root = parseXmlStrict(junitReporter.render(result, defaultContext()));
    expect(root.children.map((s) => s.attrs.name)).toContain('status <storm> & "quotes"');
  });

  it('puts the numbers in failure and inconclusive messages', () => {
    const root = parseXmlStrict(junitReporter.render(result, defaultContext()));
    const storm = root.children.find((s) => s.attrs.name?.startsWith('status'))!;
    const p50 = storm.children.find((c) => c.attrs.name?.startsWith('p50'))!;
    const c = result.scenarios[1].comparisons.find((x) => x.metric === 'p50')!;
    expect(c.verdict).toBe('fail');
    const failure = p50.children.find((x) => x.name === 'failure')!;
    expect(failure.attrs.message).toContain(`+${c.estimatePct!.toFixed(2)}%`);
    expect(failure.attrs.message).toContain(`+${c.ciLowPct!.toFixed(2)}%`);
    expect(failure.attrs.message).toContain('budget +2%');
    const p95 = storm.children.find((x) => x.attrs.name?.startsWith('p95'))!;
    expect(result.scenarios[1].comparisons.find((x) => x.metric === 'p95')!.verdict).toBe('inconclusive');
    expect(p95.children[0].name).toBe('failure');
    expect(p95.children[0].attrs.type).toBe('inconclusive');
    expect(p95.children[0].attrs.message).toMatch(/^inconclusive: p95 latency overhead \+\d+\.\d\d% \[/);
  });

  it('turns inconclusive into skipped with --inconclusive=pass, failures stay failures', () => {
    const root = parseXmlStrict(junitReporter.render(result, defaultContext({ inconclusive: 'pass' })));
    const inconclusive = result.scenarios.reduce((n, s) => n + s.comparisons.filter((c) => c.verdict === 'inconclusive').length, 0);
    expect(inconclusive).toBeGreaterThan(0);
    expect(Number(root.attrs.skipped)).toBe(inconclusive);
    const storm = root.children.find((s) => s.attrs.name?.startsWith('status'))!;
    const p95 = storm.children.find((x) => x.attrs.name?.startsWith('p95'))!;
    expect(p95.children[0].name).toBe('skipped');
    expect(p95.children[0].attrs.message).toContain('inconclusive');
  });

  it('reports a scenario that did not run as an error testcase and lists invalid rounds', () => {
    const broken = resultOf([realisticScenario({ name: 'died', invalidRounds: [1], error: 'target exited with code 1 (\u0007bell)' })]);
    const xml = junitReporter.render(broken, defaultContext());
    const root = parseXmlStrict(xml);
    const suite = root.children[0];
    expect(suite.attrs.errors).toBe('1');
    const run = suite.children.find((c) => c.attrs.name === 'run')!;
    expect(run.children[0].name).toBe('error');
    expect(run.children[0].attrs.message).toContain('target exited with code 1');
    expect(suite.children.find((c) => c.name === 'system-out')!.text).toContain('round 1 instrumented excluded: driver CPU 97%');
  });
});
