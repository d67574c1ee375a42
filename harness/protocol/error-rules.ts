import type { FrameInfo, FrameKind, ProtocolAdapter } from './adapter.ts';
import { parseJsonPath, selectJsonPath, type PathStep } from './json-path.ts';
import { parseObject } from './json-object.ts';

/**
 * A scenario's rule for an error the target reports in-band: a terminal frame that the protocol
 * calls a success but whose content says the tool failed (the real EXAI daemon answers a failed
 * tool with a normal `call_tool_res` whose output text is `{"status":"error",...}`). The rule
 * names a field by JSON path and a match; a frame where it matches ends its call with `kind`.
 */
export interface ErrorRule {
  /** JSON path into the terminal frame (json-path.ts), e.g. `outputs[0].text` or `outputs[*].text`. */
  path: string;
  /** Matches when a value at the path (a string, or a number/boolean as text) matches this regex. */
  regex?: string;
  /** Matches when a value at the path equals this (strictly). */
  equals?: string | number | boolean | null;
  /** The error kind counted for a match (errorsByKind). */
  kind: string;
}

interface CompiledRule {
  steps: PathStep[];
  test: (v: unknown) => boolean;
  kind: string;
}

/** Every problem with the rules, each naming `errorRules[i].field`; empty when they are usable. */
export function errorRuleProblems(rules: readonly ErrorRule[]): string[] {
  const p: string[] = [];
  rules.forEach((r, i) => {
    try {
      parseJsonPath(r.path);
    } catch (e) {
      p.push(`errorRules[${i}].path: ${(e as Error).message}`);
    }
    if ((r.regex === undefined) === (r.equals === undefined)) p.push(`errorRules[${i}]: give exactly one of "regex" and "equals"`);
    if (r.regex !== undefined) {
      try {
        new RegExp(r.regex);
      } catch (e) {
        p.push(`errorRules[${i}].regex: ${(e as Error).message}`);
      }
    }
    if (typeof r.kind !== 'string' || r.kind === '') p.push(`errorRules[${i}].kind: expected a non-empty error kind`);
  });
  return p;
}

function compile(r: ErrorRule): CompiledRule {
  const steps = parseJsonPath(r.path);
  if (r.regex !== undefined) {
    const re = new RegExp(r.regex);
    return { steps, kind: r.kind, test: (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && re.test(String(v)) };
  }
  const want = r.equals;
  return { steps, kind: r.kind, test: (v) => v === want };
}

/** The kind of the first rule that matches the parsed frame, else undefined. */
function matchErrorRules(msg: unknown, rules: readonly CompiledRule[]): string | undefined {
  for (const r of rules) if (selectJsonPath(msg, r.steps).some(r.test)) return r.kind;
  return undefined;
}

/**
 * `adapter` with the rules applied to every terminal frame it calls a success. Without rules it is
 * the adapter itself (its fast path untouched); with rules every successful terminal frame is
 * parsed once more, the price of reading its content.
 */
export function withErrorRules(adapter: ProtocolAdapter, rules: readonly ErrorRule[] | undefined): ProtocolAdapter {
  if (rules === undefined || rules.length === 0) return adapter;
  const compiled = rules.map(compile);
  return {
    ...adapter,
    classify(frame: string | Buffer, info: FrameInfo): FrameKind {
      const kind = adapter.classify(frame, info);
      if (kind !== 'terminal' || info.error !== undefined) return kind;
      const msg = parseObject(typeof frame === 'string' ? frame : frame.toString());
      if (msg !== undefined) info.error = matchErrorRules(msg, compiled);
      return kind;
    },
  };
}
