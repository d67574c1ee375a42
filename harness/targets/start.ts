import { UsageError } from '../../common/exit-codes.ts';
import type { FakesEndpoints } from './fakes-process.ts';
import type { Protocol } from './ready.ts';
import { startReferenceDaemon } from './reference-daemon.ts';
import { startSpawnTarget } from './spawn-target.ts';
import type { RunningTarget } from './types.ts';
import { connectUrlTarget } from './url-target.ts';

/** A variant's target, as written on the command line or in a scenario. */
export type TargetSpec =
  | { kind: 'reference' }
  | { kind: 'spawn'; command: string }
  | { kind: 'url'; url: string; pid?: number };

export function parseTargetSpec(text: string | undefined, pid?: number): TargetSpec {
  if (text === undefined || text === '' || text === 'reference') {
    if (pid !== undefined) throw new UsageError(`a pid (${pid}) is only meaningful with a "url:" target`);
    return { kind: 'reference' };
  }
  if (text.startsWith('spawn:')) {
    const command = text.slice('spawn:'.length).trim();
    if (!command) throw new UsageError(`target "${text}": empty command after "spawn:"`);
    if (pid !== undefined) throw new UsageError(`target "${text}": a pid is only meaningful with a "url:" target`);
    return { kind: 'spawn', command };
  }
  if (text.startsWith('url:')) {
    const url = text.slice('url:'.length).trim();
    if (!/^wss?:\/\/[^/\s]+/.test(url)) throw new UsageError(`target "${text}": expected url:ws://host:port`);
    return { kind: 'url', url, pid };
  }
  throw new UsageError(`target "${text}": expected "spawn:CMD ARGS", "url:ws://host:port" or nothing (the reference daemon)`);
}

export interface StartTargetOptions {
  label: 'baseline' | 'instrumented';
  spec: TargetSpec;
  /** Scenario env then variant env, already merged. */
  env: Record<string, string>;
  protocol: Protocol;
  fakes: FakesEndpoints | null;
  /** How long a spawned target may take to answer a handshake (default 30 s; reference daemon 60 s). */
  readyTimeoutMs?: number;
}

export function startTarget(o: StartTargetOptions): Promise<RunningTarget> {
  const token = o.env.EXAI_WS_TOKEN ?? process.env.EXAI_WS_TOKEN;
  switch (o.spec.kind) {
    case 'reference':
      if (o.protocol !== 'exai') throw new UsageError(`${o.label}: the reference daemon speaks exai, not ${o.protocol}; give a target`);
      return startReferenceDaemon({ label: o.label, env: o.env, fakes: o.fakes, token, readyTimeoutMs: o.readyTimeoutMs });
    case 'spawn':
      return startSpawnTarget({ label: o.label, command: o.spec.command, env: o.env, protocol: o.protocol, token, readyTimeoutMs: o.readyTimeoutMs });
    case 'url':
      return connectUrlTarget({ label: o.label, url: o.spec.url, pid: o.spec.pid, protocol: o.protocol, token });
  }
}
