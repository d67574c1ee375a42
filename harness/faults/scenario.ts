/**
 * A fault scenario (scenarios/faults/*.json): the reference daemon in the fake world, a few
 * clients making calls, and a timeline of phases, each of which may change the world through the
 * fakes' /__control (provider faults and latency, Supabase errors and latency), stop or restart
 * Redis, or act on the clients (a reconnect storm, slow consumers). Plain data, checked strictly
 * like every scenario file (unknown fields are errors, each named with its path).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../common/exit-codes.ts';
import { describeIssues } from '../scenario/issues.ts';
import { parseJsonWithPlace } from '../../common/json.ts';

const Json = z.record(z.string(), z.unknown());

const Phase = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'expected lower-case letters, digits and "-"'),
  sec: z.number().positive(),
  /** POST body for the provider fake's /__control, applied as the phase starts. */
  provider: Json.optional(),
  /** POST body for the Supabase fake's /__control. */
  supabase: Json.optional(),
  /** The scenario's own redis-server: `stop` (SIGKILL, an outage) or `start` (the same port again). */
  redis: z.enum(['stop', 'start']).optional(),
  /** `reconnect`: every client drops its connection at once and resumes its session. */
  clients: z.enum(['reconnect', 'stop-reading', 'read']).optional(),
  /** With `stop-reading`: how many clients stop reading (default all). */
  slowClients: z.number().int().positive().optional(),
});
export type FaultPhase = z.infer<typeof Phase>;

const Expect = z.strictObject({
  /** A circuit (glm, kimi, send) must be seen in this state at some point of the phase. */
  circuitSeen: z.record(z.string(), z.enum(['CLOSED', 'OPEN', 'HALF_OPEN'])).optional(),
  /** ... and be in this state when the phase ends. */
  circuitAtEnd: z.record(z.string(), z.enum(['CLOSED', 'OPEN', 'HALF_OPEN'])).optional(),
  /** At least this many calls of the phase ended with a result (the daemon recovered). */
  minOk: z.number().int().nonnegative().optional(),
  /**
   * At most this many provider requests answered 429 in the phase: retries that honour
   * Retry-After and an open breaker keep a storm from being hammered (the bound is the scenario's
   * arithmetic: seconds / Retry-After x the provider's concurrency, plus the breaker's probes).
   */
  maxProvider429: z.number().int().nonnegative().optional(),
});

const Profile = z.strictObject({
  /** Every phase's `sec` is multiplied by this (smoke: short enough for CI). */
  timeScale: z.number().positive().optional(),
  /** The whole timeline is run this many times (soak). */
  repeat: z.number().int().positive().optional(),
  clients: z.number().int().positive().optional(),
});

export const FaultScenario = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'expected lower-case letters, digits and "-"'),
  description: z.string(),
  clients: z.number().int().positive(),
  mix: z.array(z.strictObject({ weight: z.number().positive(), tool: z.string(), args: Json.optional() })).min(1),
  thinkMs: z.number().nonnegative().default(20),
  requestTimeoutSec: z.number().positive().default(30),
  /** The fakes' world at the start (see harness/scenario/schema.ts `world`). */
  world: Json.default({}),
  /** Daemon env on top of the world's (short timeouts, breaker settings, ...). */
  env: z.record(z.string(), z.string()).default({}),
  /** The scenario starts its own redis-server (needed by `redis` phases); else the fakes' Redis. */
  ownRedis: z.boolean().default(false),
  phases: z.array(Phase).min(1),
  expect: z.record(z.string(), Expect).default({}),
  /** The daemon's RSS must stay under this (bounded memory). */
  maxRssMb: z.number().positive().default(400),
  profiles: z.strictObject({ smoke: Profile.optional(), soak: Profile.optional() }).optional(),
});
export type FaultScenario = z.infer<typeof FaultScenario>;

export const FAULTS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../scenarios/faults');

/** Read and check one file; problems as one UsageError line naming the file and field. */
export async function loadFaultScenario(file: string): Promise<FaultScenario> {
  const shown = path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file);
  let raw: unknown;
  try {
    raw = parseJsonWithPlace(await readFile(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`${shown}: cannot load: ${err.code === 'ENOENT' ? 'file not found' : err.message}`);
  }
  const parsed = FaultScenario.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error.issues).map((p) => `${shown}: ${p}`).join('; '));
  for (const name of Object.keys(parsed.data.expect)) {
    if (!parsed.data.phases.some((p) => p.name === name)) throw new UsageError(`${shown}: expect.${name}: no phase of that name`);
  }
  if (!parsed.data.ownRedis && parsed.data.phases.some((p) => p.redis)) throw new UsageError(`${shown}: phases: a redis phase needs "ownRedis": true`);
  return parsed.data;
}

/** The scenario as a profile runs it. */
export function applyFaultProfile(s: FaultScenario, profile: 'smoke' | 'soak' | 'default'): FaultScenario & { repeat: number } {
  const p = profile === 'default' ? undefined : s.profiles?.[profile];
  const scale = p?.timeScale ?? 1;
  return { ...s, clients: p?.clients ?? s.clients, phases: s.phases.map((ph) => ({ ...ph, sec: Math.round(ph.sec * scale * 100) / 100 })), repeat: p?.repeat ?? 1 };
}
