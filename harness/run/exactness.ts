import type { WindowStats } from '../driver/messages.ts';
import type { Exactness } from '../result/schema.ts';
import type { MessageCounters, MessageTotals } from '../measure/message-counters.ts';

/**
 * One round's comparison of what the driver put on the wire with what the target's own counters
 * counted (the reference daemon's /metrics.json, or the scenario's `exactness` source for any daemon).
 */
export interface ExactnessRound {
  round: number;
  /** A span of windows whose load ran on between them (exactnessSpan): its first round; `round` is its last. */
  fromRound?: number;
  /** Whose window (absent in callers that check one target). */
  variant?: string;
  driverSent: number;
  driverReceived: number;
  daemonReceived: number;
  daemonSent: number;
}

export function exactnessRound(round: number, stats: WindowStats, before: MessageTotals, after: MessageTotals, variant?: string): ExactnessRound {
  return { round, ...(variant !== undefined && { variant }), ...compared(stats.framesSent, stats.framesReceived, before, after) };
}

/** The driver's frames against the change in the target's totals. */
function compared(driverSent: number, driverReceived: number, before: MessageTotals, after: MessageTotals) {
  return { driverSent, driverReceived, daemonReceived: after.messagesReceived - before.messagesReceived, daemonSent: after.messagesSent - before.messagesSent };
}

/**
 * The driver's frames over a span of windows whose load ran on from one to the next, from one
 * drained edge (`before`) to the next (`after`, the window that drained), against the target's
 * totals read at the same edges: frames sent between windows belong to no window, but to the span.
 */
export function exactnessSpan(
  rounds: { from: number; to: number },
  driver: { before: Pick<WindowStats, 'framesSentTotal' | 'framesReceivedTotal'>; after: Pick<WindowStats, 'framesSentTotal' | 'framesReceivedTotal'> },
  before: MessageTotals,
  after: MessageTotals,
  variant?: string,
): ExactnessRound {
  return {
    round: rounds.to,
    ...(rounds.from !== rounds.to && { fromRound: rounds.from }),
    ...(variant !== undefined && { variant }),
    ...compared(driver.after.framesSentTotal - driver.before.framesSentTotal, driver.after.framesReceivedTotal - driver.before.framesReceivedTotal, before, after),
  };
}

const matches = (r: ExactnessRound) => r.driverSent === r.daemonReceived && r.driverReceived === r.daemonSent;

/**
 * Summed over the measured windows: every frame the driver sent must be counted as received by the
 * daemon and every frame it received as sent, in each round (a surplus in one round cannot hide a
 * loss in another).
 */
export function summarizeExactness(rounds: readonly ExactnessRound[]): Exactness | null {
  if (rounds.length === 0) return null;
  const expected = rounds.reduce((s, r) => s + r.driverSent + r.driverReceived, 0);
  const recorded = rounds.reduce((s, r) => s + r.daemonReceived + r.daemonSent, 0);
  const bad = rounds.filter((r) => !matches(r));
  const ok = bad.length === 0;
  const detail = ok
    ? `${spans(rounds)}: driver frames sent+received = daemon messages received+sent in each`
    : bad
        .slice(0, 5)
        .map((r) => `${r.fromRound !== undefined ? `rounds ${r.fromRound}-${r.round}` : `round ${r.round}`}${r.variant ? ` (${r.variant})` : ''}: driver sent ${r.driverSent} / received ${r.driverReceived}, daemon counted received ${r.daemonReceived} / sent ${r.daemonSent}`)
        .join('; ');
  return { expected, recorded, ok, detail };
}

/** What was checked: measured windows, or spans of them (a continuous load's), or both. */
function spans(rounds: readonly ExactnessRound[]): string {
  const spanned = rounds.filter((r) => r.fromRound !== undefined).length;
  if (spanned === 0) return `${rounds.length} measured window(s)`;
  const single = rounds.length - spanned;
  return `${spanned} span(s) of measured windows, the load running on between them${single > 0 ? `, and ${single} measured window(s)` : ''}`;
}

/**
 * The scenario named where the targets count their messages (`exactness`): at least one variant
 * must serve those counters (a baseline without metrics need not). Null when one does, else one
 * line saying what each variant answered.
 */
export async function unservedExactness(targets: Record<string, { counters?: MessageCounters }>): Promise<string | null> {
  const answers = await Promise.all(Object.entries(targets).map(async ([name, t]) => [name, t.counters ? await t.counters.applies() : 'no counters'] as const));
  if (answers.some(([, why]) => why === null)) return null;
  const where = Object.values(targets).find((t) => t.counters)?.counters?.where ?? 'the exactness source';
  return `exactness: no variant serves ${where}: ${answers.map(([name, why]) => `${name}: ${why}`).join('; ')}`;
}
