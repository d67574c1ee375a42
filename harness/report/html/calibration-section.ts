import { describeIntervalHonesty, describeSpreadPairLuck, describePairLuck, tooNarrow, type Calibration, type ScenarioCalibration } from '../../result/calibration.ts';
import { fmtBudget, fmtChange, fmtNumber, fmtPct, fmtShare, fmtUs, MISSING } from '../../../common/format.ts';
import { METRICS } from '../../result/metrics.ts';
import { escapeHtml as h } from '../escape.ts';
import { badge } from './badge.ts';

const share = (x: number | null | undefined, digits = 1) => (x == null ? MISSING : fmtShare(x, digits));
const rate = (x: number | null) => (x === null ? MISSING : fmtShare(100 * x, 0));

function scenarioBlock(s: ScenarioCalibration): string {
  const metrics = Object.keys(s.mdePct).map((m) => {
    const budget = s.budgetsPct?.[m];
    const mde = s.mdePct[m];
    // A budget below the MDE: a real overhead of the budget's size passes more often than not.
    const weak = budget != null && mde != null && mde > budget;
    return `<tr><td>${h(m in METRICS ? METRICS[m as keyof typeof METRICS].label : m)}</td><td class="num">${budget == null ? '' : fmtBudget(budget)}</td>` +
      `<td class="num">&plusmn;${share(s.aa.halfWidthPct[m])}</td>${coversZeroCell(s.aa.coversZero?.[m])}<td class="num">${share(s.aa.estimateSdPct?.[m])}</td><td class="num${weak ? ' bad' : ''}">${share(mde)}</td>` +
      `<td class="num">${s.roundsFor?.[m] == null ? MISSING : fmtNumber(s.roundsFor[m], 0)}</td></tr>`;
  });
  const widened = s.injected.some((l) => l.roundsCi);
  const levels = s.injected.map((l) => {
    const alone = widened ? `<td class="num">${l.roundsCi ? fmtChange(l.estimatePct, l.roundsCi.ciLowPct, l.roundsCi.ciHighPct) : ''}</td>` : '';
    const cover = l.coverage == null ? MISSING : l.coverage ? 'yes' : '<strong class="bad">no</strong>';
    return `<tr><td>${l.multiple === undefined ? '' : `${l.multiple}x budget`}</td><td class="num">${fmtNumber(l.burnUs, 0)} us</td>` +
      `<td class="num">${fmtPct(l.expectedPct)}</td><td class="num">${fmtChange(l.estimatePct, l.ciLowPct, l.ciHighPct)}</td><td>${badge(l.verdict)}</td><td>${cover}</td>${alone}</tr>`;
  });
  const spreadLuck = s.pairLuck && describeSpreadPairLuck(s.pairLuck);
  const head = `${s.profile} profile, ${s.rounds} rounds${s.processes ? ` in ${s.processes} pairs of processes` : ''}${s.design ? `, ${s.design}` : ''}: A/A ${s.aa.repeats} repeat(s), ` +
    `false fail ${rate(s.aa.falseFailRate)}, false inconclusive ${rate(s.aa.falseInconclusiveRate)}; baseline CPU per request ${fmtUs(s.baselineCpuPerRequestUs)}`;
  return `<h3>${h(s.name)}</h3>
<p class="muted">${h(head)}</p>
<table><thead><tr><th>metric</th><th class="num">budget</th><th class="num">A/A half-width</th><th class="num">A/A covers 0</th><th class="num">sd of A/A estimates</th><th class="num">MDE at these rounds</th><th class="num">rounds for MDE = budget</th></tr></thead>
<tbody>${metrics.join('')}</tbody></table>
${levels.length > 0 ? `<table><thead><tr><th>injected CPU per call</th><th class="num">burn</th><th class="num">expected</th><th class="num">estimate [95% CI]</th><th>verdict</th><th>covers expected</th>${widened ? '<th class="num">rounds alone [95% CI]</th>' : ''}</tr></thead>
<tbody>${levels.join('')}</tbody></table>` : ''}
${s.intervalHonesty ? `<p class="small${tooNarrow(s.intervalHonesty) ? ' bad' : ''}">Interval honesty: ${h(describeIntervalHonesty(s.intervalHonesty, s.processes))}</p>` : ''}
${s.pairLuck?.cpuPerRequest ? `<p class="small">Pair luck: ${h(describePairLuck(s.pairLuck.cpuPerRequest))}</p>` : ''}
${spreadLuck ? `<p class="small">Pair luck, ${h(spreadLuck)}</p>` : ''}
${(s.notes ?? []).map((n) => `<p class="small muted">note: ${h(n)}</p>`).join('')}`;
}

/** The share of A/A intervals holding 0: marked when it falls well short of the 95% they promise. */
function coversZeroCell(share: number | null | undefined): string {
  if (share == null) return `<td class="num">${MISSING}</td>`;
  return `<td class="num${share < 0.85 ? ' bad' : ''}">${Math.round(100 * share)}%</td>`;
}

/**
 * What the instrument can tell apart on this machine (`overbench calibrate`): per scenario, the A/A
 * error rates, each metric's interval half-width and minimum detectable effect, and the injected
 * overheads against the intervals that should hold them. `only` keeps the scenarios a run
 * measured; an empty string when the calibration has none of them. A "pass" reads as "no overhead
 * larger than the budget", and only where the MDE is below the budget does it mean much.
 */
export function calibrationSection(c: Calibration, only?: readonly string[]): string {
  const scenarios = only ? c.scenarios.filter((s) => only.includes(s.name)) : c.scenarios;
  if (scenarios.length === 0) return '';
  const when = [c.finishedAt, c.env?.gitSha ? `git ${c.env.gitSha.slice(0, 12)}` : undefined, c.command].filter(Boolean).join(' · ');
  return `<section id="calibration">
<h2>Calibration: what this machine can tell apart</h2>
<p class="muted">MDE: the smallest overhead a run of these rounds detects 80% of the time at a 5% error rate. A budget below its MDE (in red) is one the run mostly cannot decide. ${h(when)}</p>
${scenarios.map(scenarioBlock).join('\n')}
</section>`;
}
