import type { Comparison, Result, ScenarioResult } from '../../result/schema.ts';
import { escapeXml as x } from '../escape.ts';
import { fmtNumber, fmtSigned } from '../../../common/format.ts';
import { fmtComparisonBudget, metricLabel } from '../metric.ts';
import type { InconclusivePolicy, RenderContext, Reporter } from '../reporter.ts';
import { validPairs } from '../rounds.ts';
import { comparisonLine, comparisonWords } from '../wording.ts';

/** What a CI system should show for one check. */
type Outcome =
  | { kind: 'passed'; text: string }
  | { kind: 'failure' | 'skipped' | 'error'; type: string; message: string; text: string };

interface Case {
  name: string;
  outcome: Outcome;
}

/**
 * JUnit XML: one testsuite per scenario, one testcase per budget comparison (plus exactness, plus
 * the run itself when the scenario could not run). Every message carries the numbers, so the CI
 * page says why without opening the HTML. An inconclusive comparison is a failure unless the gate
 * runs with --inconclusive=pass, then it is skipped: JUnit and the exit code never disagree.
 */
export const junitReporter: Reporter = {
  name: 'junit',
  defaultFile: 'junit.xml',
  render(result: Result, ctx: RenderContext): string {
    const suites = result.scenarios.map((s) => ({ s, cases: scenarioCases(s, ctx.inconclusive) }));
    const all = suites.flatMap((su) => su.cases);
    const seconds = Math.max(0, (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000) || 0;
    const out = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="${x(`overbench ${ctx.title ?? result.runId}`)}" ${counts(all)} time="${seconds.toFixed(3)}">`,
    ];
    for (const { s, cases } of suites) {
      out.push(`  <testsuite name="${x(s.name)}" ${counts(cases)} time="0" timestamp="${x(result.startedAt.replace(/Z$/, ''))}">`);
      out.push('    <properties>');
      for (const [name, value] of properties(result, s)) out.push(`      <property name="${x(name)}" value="${x(value)}"/>`);
      out.push('    </properties>');
      for (const c of cases) out.push(...testcase(s, c));
      const invalid = s.rounds.filter((r) => !r.valid);
      if (invalid.length) {
        const lines = invalid.map((r) => `round ${r.round} ${r.variant} excluded: ${r.invalidReason ?? 'no reason recorded'}`);
        out.push(`    <system-out>${x(lines.join('\n'))}</system-out>`);
      }
      out.push('  </testsuite>');
    }
    out.push('</testsuites>');
    return out.join('\n') + '\n';
  },
};

/** The testcases of one scenario; exported so tests can check counts against the result. */
export function scenarioCases(s: ScenarioResult, inconclusive: InconclusivePolicy): Case[] {
  const cases: Case[] = [];
  if (s.error) cases.push({ name: 'run', outcome: { kind: 'error', type: 'scenario-error', message: `scenario did not complete: ${s.error}`, text: s.error } });
  for (const c of s.comparisons) cases.push({ name: caseName(c), outcome: comparisonOutcome(c, inconclusive) });
  if (s.exactness) {
    const e = s.exactness;
    const text = `expected ${fmtNumber(e.expected, 0)}, recorded ${fmtNumber(e.recorded, 0)} (difference ${fmtSigned(e.recorded - e.expected)})${e.detail ? `: ${e.detail}` : ''}`;
    cases.push({
      name: 'exactness: every counted frame recorded',
      outcome: e.ok ? { kind: 'passed', text } : { kind: 'failure', type: 'exactness', message: `metrics miscounted: ${text}`, text },
    });
  }
  return cases;
}

const caseName = (c: Comparison) => `${metricLabel(c.metric)} overhead within ${fmtComparisonBudget(c)} budget`;

function comparisonOutcome(c: Comparison, inconclusive: InconclusivePolicy): Outcome {
  const text = `${comparisonLine(c)}. ${comparisonWords(c)}.`;
  if (c.verdict === 'pass') return { kind: 'passed', text };
  if (c.verdict === 'fail') return { kind: 'failure', type: 'budget-exceeded', message: text, text };
  return { kind: inconclusive === 'pass' ? 'skipped' : 'failure', type: 'inconclusive', message: `inconclusive: ${text}`, text };
}

function testcase(s: ScenarioResult, c: Case): string[] {
  const open = `    <testcase classname="${x(className(s))}" name="${x(c.name)}" time="0"`;
  const o = c.outcome;
  if (o.kind === 'passed') return [`${open}>`, `      <system-out>${x(o.text)}</system-out>`, '    </testcase>'];
  const tag = o.kind === 'skipped' ? `<skipped message="${x(o.message)}"/>` : `<${o.kind} message="${x(o.message)}" type="${x(o.type)}">${x(o.text)}</${o.kind}>`;
  return [`${open}>`, `      ${tag}`, '    </testcase>'];
}

/** Dotted, so CI tools group tests as packages: overbench.tight.record.legacy, overbench.realistic.chat-realistic. */
function className(s: ScenarioResult): string {
  const path = s.name.startsWith(`${s.kind}/`) ? s.name : `${s.kind}/${s.name}`;
  return `overbench.${path.replace(/\//g, '.')}`;
}

function counts(cases: readonly Case[]): string {
  const n = (k: Outcome['kind']) => cases.filter((c) => c.outcome.kind === k).length;
  return `tests="${cases.length}" failures="${n('failure')}" errors="${n('error')}" skipped="${n('skipped')}"`;
}

function properties(r: Result, s: ScenarioResult): [string, string][] {
  const props: [string, string][] = [
    ['runId', r.runId],
    ['verdict', s.verdict],
    ['kind', s.kind],
    ['baseline', s.variants.baseline.backend ?? s.variants.baseline.target],
    ['instrumented', s.variants.instrumented.backend ?? s.variants.instrumented.target],
    ['validRounds', String(validPairs(s.rounds).length)],
  ];
  if (r.env.gitSha) props.push(['gitSha', r.env.gitSha]);
  if (s.profile) props.push(['profile', s.profile]);
  if (r.command) props.push(['command', r.command]);
  return props;
}
