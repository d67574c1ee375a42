import { COUNTER_NAMES, PROM_COUNTER_NAMES } from './counter-names.ts';
import type { MetricsSnapshot } from './types.ts';

/**
 * Prometheus text exposition (format 0.0.4) of a snapshot, for the backends that are not a
 * Prometheus library themselves (legacy, sampled, fast). Latencies render as summaries.
 */
export function renderPrometheus(s: MetricsSnapshot): string {
  const out: string[] = [];
  for (const name of COUNTER_NAMES) {
    const metric = PROM_COUNTER_NAMES[name];
    out.push(`# HELP ${metric} ${name} (backend ${s.backend}${s.exact ? '' : ', estimated'})`);
    out.push(`# TYPE ${metric} counter`);
    out.push(`${metric} ${s.totals[name]}`);
    for (const [id, c] of Object.entries(s.clients)) {
      out.push(`${metric}{client="${escapeLabel(id)}"} ${c[name]}`);
    }
  }
  const stages = Object.entries(s.latencyUs);
  if (stages.length > 0) {
    out.push('# HELP overbench_stage_latency_us pipeline stage latency in microseconds');
    out.push('# TYPE overbench_stage_latency_us summary');
    for (const [stage, l] of stages) {
      if (!l) continue;
      for (const [q, v] of [['0.5', l.p50], ['0.95', l.p95], ['0.99', l.p99]] as const) {
        out.push(`overbench_stage_latency_us{stage="${stage}",quantile="${q}"} ${v}`);
      }
      out.push(`overbench_stage_latency_us_count{stage="${stage}"} ${l.count}`);
    }
  }
  if (s.errorsByKind) {
    // The series prom-client and otel export under the same name.
    out.push('# HELP overbench_errors_by_kind_total errors by kind');
    out.push('# TYPE overbench_errors_by_kind_total counter');
    for (const [kind, n] of Object.entries(s.errorsByKind)) out.push(`overbench_errors_by_kind_total{kind="${escapeLabel(kind)}"} ${n}`);
  }
  if (s.requests) {
    out.push('# HELP overbench_requests_total requests finished, by tool and outcome');
    out.push('# TYPE overbench_requests_total counter');
    for (const [tool, r] of Object.entries(s.requests)) {
      out.push(`overbench_requests_total{tool="${escapeLabel(tool)}",outcome="ok"} ${r.ok}`);
      out.push(`overbench_requests_total{tool="${escapeLabel(tool)}",outcome="failed"} ${r.failed}`);
    }
  }
  if (s.circuits) {
    out.push('# HELP overbench_circuit_state circuit breaker state (0 closed, 1 half-open, 2 open)');
    out.push('# TYPE overbench_circuit_state gauge');
    const code = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;
    for (const [p, st] of Object.entries(s.circuits)) {
      out.push(`overbench_circuit_state{provider="${escapeLabel(p)}"} ${code[st]}`);
    }
  }
  return out.join('\n') + '\n';
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
