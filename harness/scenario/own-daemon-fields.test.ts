import { describe, expect, it } from 'vitest';
import { describeIssues } from './issues.ts';
import { scenarioSchema } from './schema.ts';

/** The fields for a daemon of one's own (`ports`, `errorRules`, `exactness`), checked before anything starts. */
const BASE = { name: 'own', clients: 1, load: { model: 'closed' }, mix: [{ weight: 1, tool: 't' }], budgets: {} };
const problems = (over: Record<string, unknown>) => {
  const r = scenarioSchema().safeParse({ ...BASE, ...over });
  return r.success ? [] : describeIssues(r.error.issues);
};

describe('scenario fields for a daemon of one\'s own', () => {
  it('accept the worked example\'s shape', () => {
    expect(
      problems({
        ports: ['health', 'metrics'],
        errorRules: [
          { path: 'outputs[*].text', regex: '^\\{"status":\\s*"error"', kind: 'TOOL_FAILED' },
          { path: 'ok', equals: false, kind: 'NOT_OK' },
        ],
        exactness: {
          prometheus: {
            url: 'http://127.0.0.1:{port:metrics}/metrics',
            received: { metric: 'exai_ws_messages_total', labels: { direction: 'received' } },
            sent: { metric: 'exai_ws_messages_total', labels: { direction: 'sent' } },
          },
        },
      }),
    ).toEqual([]);
    expect(problems({ exactness: { json: { url: 'http://127.0.0.1:9/metrics.json', received: 'totals.in', sent: 'totals.out' } } })).toEqual([]);
  });

  it('name each bad field', () => {
    expect(problems({ ports: ['health', 'health', '9x'] })).toEqual(['ports[2]: expected a port name of letters, digits, "_" or "-"', 'ports: a port name is given twice']);
    expect(
      problems({
        errorRules: [
          { path: 'a..b', regex: 'x', kind: 'K' },
          { path: 'a', regex: '(', kind: 'K' },
          { path: 'a', kind: 'K' },
          { path: 'a', equals: 1, kind: 'K', code: 3 },
        ],
      }),
    ).toEqual([
      'errorRules[0].path: JSON path "a..b": expected a field name at ".b"',
      expect.stringMatching(/^errorRules\[1\]\.regex: Invalid regular expression/),
      'errorRules[2]: give exactly one of "regex" and "equals"',
      'errorRules[3].code: unknown field',
    ]);
    expect(problems({ exactness: {} })).toEqual(['exactness: give exactly one of "prometheus" and "json"']);
    expect(
      problems({ exactness: { prometheus: { url: 'ws://x/metrics', received: { metric: 'bad-name' }, sent: { metric: 'ok_total', labels: { 'bad-label': 'x' } } } } }),
    ).toEqual([
      'exactness.prometheus.url: expected an http:// URL (placeholders such as {port:metrics} allowed)',
      'exactness.prometheus.received.metric: expected a Prometheus metric name',
      'exactness.prometheus.sent.labels.bad-label: Invalid key in record',
    ]);
    expect(problems({ exactness: { json: { url: 'http://127.0.0.1:{port:metric}/m', received: 'a', sent: 'b' } } })).toEqual([
      'exactness.json.url: {port:metric}: "metric" is not in the scenario\'s ports (none declared)',
    ]);
  });
});
