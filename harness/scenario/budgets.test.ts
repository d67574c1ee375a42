import { describe, expect, it } from 'vitest';
import { describeIssues } from './issues.ts';
import { scenarioSchema } from './schema.ts';

const parse = (budgets: unknown) =>
  scenarioSchema().safeParse({ name: 'b', clients: 1, load: { model: 'closed' }, mix: [{ weight: 1, tool: 'status' }], budgets });
const problems = (budgets: unknown) => {
  const r = parse(budgets);
  return r.success ? [] : describeIssues(r.error.issues);
};

describe('scenario budgets', () => {
  it('accept a plain percent or { pct, floorUs } for latency and CPU, and errorRate in percentage points', () => {
    const r = parse({ p50: 2, p99: { pct: 5, floorUs: 200 }, cpuPerRequest: { pct: 5, floorUs: 3 }, throughput: 2, errorRate: 0.1 });
    expect(r.success).toBe(true);
    expect(r.data!.budgets).toEqual({ p50: 2, p99: { pct: 5, floorUs: 200 }, cpuPerRequest: { pct: 5, floorUs: 3 }, throughput: 2, errorRate: 0.1 });
  });

  it('name the field of a mistake in the object form', () => {
    expect(problems({ p99: { pct: 5, floorUs: 200, floorMs: 1 } })).toEqual(['budgets.p99.floorMs: unknown field']);
    expect(problems({ p99: { pct: 5 } })).toEqual(['budgets.p99.floorUs: expected number, received undefined']);
    expect(problems({ p95: 'five' })).toEqual(['budgets.p95: expected number or object, received string']);
    expect(problems({ p99: { pct: -1, floorUs: 200 } })).toEqual(['budgets.p99.pct: expected a number >= 0']);
  });

  it('keep throughput a plain percent and reject unknown budgets', () => {
    expect(problems({ throughput: { pct: 2, floorUs: 10 } })).toEqual(['budgets.throughput: expected number, received object']);
    expect(problems({ p90: 5 })).toEqual(['budgets.p90: unknown field']);
    expect(problems({ errorRate: 101 })).toEqual(['budgets.errorRate: expected a number <= 100']);
  });
});
