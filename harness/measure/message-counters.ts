import type { ScenarioExactness } from '../scenario/schema.ts';
import { parseJsonPath, selectJsonPath } from '../protocol/json-path.ts';
import { parsePrometheusText, sumSamples } from './prometheus-text.ts';
import { fetchMetricsTotals } from './daemon-monitor.ts';

/** A target's own count of the WebSocket messages it received and sent, since it started. */
export interface MessageTotals {
  messagesReceived: number;
  messagesSent: number;
}

/**
 * Where a target's message counters are read, for the exactness check (harness/run/exactness.ts):
 * the reference daemon's /metrics.json, or what a scenario's `exactness` names for any daemon.
 */
export interface MessageCounters {
  /** For messages: the URL and what is read there. */
  readonly where: string;
  /** null when these counters can be held to the driver's frames; else why not (not served, not exact...). */
  applies(): Promise<string | null>;
  /**
   * The totals now; throws when they cannot be read. An aggregate that lags the load (a cluster's
   * Redis or Supabase view, a flush behind) is waited for until it has caught up, unless
   * `catchUp` is false: then the reads are made and their totals returned as they stand (a read
   * under running load, made only to exercise the code that serves it, would wait in vain).
   */
  read(opts?: { catchUp?: boolean }): Promise<MessageTotals>;
}

async function get(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/** `applies` for a source whose counting is decided by whether `read` succeeds. */
async function readable(c: Pick<MessageCounters, 'read'>): Promise<string | null> {
  try {
    await c.read();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

type PrometheusSource = NonNullable<ScenarioExactness['prometheus']>;
type JsonSource = NonNullable<ScenarioExactness['json']>;

const series = (c: PrometheusSource['received']) =>
  `${c.metric}${c.labels ? `{${Object.entries(c.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}` : ''}`;

/** Prometheus text at `url`: the sum of the series matching each counter's metric and labels. */
export function prometheusCounters(src: PrometheusSource, timeoutMs = 5000): MessageCounters {
  const c: MessageCounters = {
    where: `${src.url} (${series(src.received)}, ${series(src.sent)})`,
    applies: () => readable(c),
    async read() {
      const samples = parsePrometheusText(await get(src.url, timeoutMs));
      const pick = (which: 'received' | 'sent') => {
        const v = sumSamples(samples, src[which].metric, src[which].labels);
        if (v === null) throw new Error(`${src.url} serves no ${series(src[which])}`);
        return v;
      };
      return { messagesReceived: pick('received'), messagesSent: pick('sent') };
    },
  };
  return c;
}

/** A JSON document at `url`: the numbers at two JSON paths. */
export function jsonCounters(src: JsonSource, timeoutMs = 5000): MessageCounters {
  const paths = { received: parseJsonPath(src.received), sent: parseJsonPath(src.sent) };
  const c: MessageCounters = {
    where: `${src.url} (${src.received}, ${src.sent})`,
    applies: () => readable(c),
    async read() {
      const doc: unknown = JSON.parse(await get(src.url, timeoutMs));
      const pick = (which: 'received' | 'sent') => {
        const [v] = selectJsonPath(doc, paths[which]);
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${src.url}: ${src[which]} is ${v === undefined ? 'absent' : JSON.stringify(v)}, not a number`);
        return n;
      };
      return { messagesReceived: pick('received'), messagesSent: pick('sent') };
    },
  };
  return c;
}

/**
 * The reference daemon's /metrics.json as message counters: only an exact backend that counts
 * (not `none`, not `sampled`) can be held to the driver's frames.
 */
export function referenceCounters(monitoringUrl: string): MessageCounters {
  return {
    where: `${monitoringUrl}/metrics.json`,
    async applies() {
      try {
        const t = await fetchMetricsTotals(monitoringUrl);
        if (!t.exact) return `backend ${t.backend} is not exact`;
        return t.backend === 'none' ? 'backend none counts nothing' : null;
      } catch (e) {
        return (e as Error).message;
      }
    },
    read: () => fetchMetricsTotals(monitoringUrl),
  };
}

/** The counters a scenario's `exactness` names (its URL's placeholders already expanded). */
export function countersFor(src: ScenarioExactness): MessageCounters {
  if (src.prometheus) return prometheusCounters(src.prometheus);
  if (src.json) return jsonCounters(src.json);
  throw new Error('exactness: neither prometheus nor json');
}

/** A target's counters: the ones the scenario named, else the reference daemon's /metrics.json, else none. */
export function countersOf(target: { counters?: MessageCounters; monitoringUrl: string | null }): MessageCounters | null {
  return target.counters ?? (target.monitoringUrl ? referenceCounters(target.monitoringUrl) : null);
}
