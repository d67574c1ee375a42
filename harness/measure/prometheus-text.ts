/**
 * The Prometheus text exposition format (version 0.0.4, also what OpenMetrics text looks like for
 * counters), read far enough to find samples: `name{label="value",...} value [timestamp]`.
 * Comments (`# HELP`, `# TYPE`) and blank lines are skipped.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:]*/;
const LABEL = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/;

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Every sample of the text; a line that is not a sample is an Error naming its number. */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const name = NAME.exec(line);
    if (!name) throw new Error(`line ${i + 1}: not a sample: ${line.slice(0, 80)}`);
    let rest = line.slice(name[0].length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      while (!rest.startsWith('}')) {
        const m = LABEL.exec(rest);
        if (!m) throw new Error(`line ${i + 1}: bad labels: ${line.slice(0, 80)}`);
        labels[m[1]] = unescape(m[2]);
        rest = rest.slice(m[0].length).trimStart();
      }
      rest = rest.slice(1);
    }
    const value = parseValue(rest.trim().split(/\s+/)[0] ?? '');
    if (Number.isNaN(value) && !/^\s*NaN\b/.test(rest)) throw new Error(`line ${i + 1}: bad value: ${line.slice(0, 80)}`);
    out.push({ name: name[0], labels, value });
  });
  return out;
}

/**
 * The sum of the samples named `metric` whose labels include `labels` (other labels may vary: a
 * counter split by connection or tool is summed); null when no sample matches.
 */
export function sumSamples(samples: readonly Sample[], metric: string, labels: Readonly<Record<string, string>> = {}): number | null {
  let sum: number | null = null;
  for (const s of samples) {
    if (s.name !== metric) continue;
    if (!Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue;
    sum = (sum ?? 0) + s.value;
  }
  return sum;
}
