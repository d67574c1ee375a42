/**
 * The latency specs the built-in scenarios use for think time (common/latency.ts has the full
 * set), in milliseconds: constant, uniform and exponential. Anything else is refused at init, so a
 * script never runs with a think time it misread.
 */
export type Sampler = () => number;

function ms(text: string): number {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(us|ms|s)\s*$/.exec(text);
  if (!m) throw new Error(`think time: "${text}" is not a duration (e.g. 50ms)`);
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

export function thinkTimeSampler(spec: string | undefined): Sampler {
  if (spec === undefined) return () => 0;
  const [kind, rest = ''] = spec.split(':', 2);
  const params: Record<string, number> = {};
  for (const kv of rest.split(',').filter(Boolean)) {
    const [k, v] = kv.split('=', 2);
    params[k.trim()] = ms(v ?? '');
  }
  switch (kind.trim()) {
    case 'constant':
      return () => params.v;
    case 'uniform':
      return () => params.min + Math.random() * (params.max - params.min);
    case 'exponential':
      return () => -params.mean * Math.log(1 - Math.random());
    default:
      throw new Error(`think time: "${spec}" is not supported in k6 scripts (constant, uniform or exponential)`);
  }
}
