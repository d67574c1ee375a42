import { z } from 'zod';
import { parseLatency } from '../../common/latency.ts';

/**
 * The scenario file (README, "Scenarios"): plain data, checked here at the boundary before
 * any process starts. Every object is strict: a misspelt key is an error, never silently ignored.
 * Defaults live in this one file.
 *
 * Extensions beyond the basic format (all optional): `idleClients` (silent connections beside
 * the busy ones), `churn` (reconnect with session resume), `requestTimeoutSec`, and a top-level
 * `env` applied to both variants' processes (each variant's own env wins).
 */

export interface SchemaOptions {
  /** Folder that `empirical:file=` latency paths are relative to (the scenario file's folder). */
  baseDir?: string;
}

/** Env values may be written as numbers or booleans in JSON; a process env only holds strings. */
const EnvValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const Env = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a valid environment variable name'), EnvValue);

const Pct = z.number().nonnegative();
/**
 * A budget in percent, or `{ pct, floorUs }`: a change smaller than `floorUs` microseconds is no
 * regression however large a percentage it is (criterion.rs's noise threshold). The verdict uses
 * the larger of `pct` and the floor as a percent of the baseline's median in the run.
 */
const FloorBudget = z.union([Pct, z.strictObject({ pct: Pct, floorUs: z.number().nonnegative() })]);

const Budgets = z.strictObject({
  p50: FloorBudget.optional(),
  p95: FloorBudget.optional(),
  p99: FloorBudget.optional(),
  throughput: Pct.optional(),
  cpuPerRequest: FloorBudget.optional(),
  /** Percentage points: instrumented error rate minus baseline error rate (default 0.1). */
  errorRate: z.number().nonnegative().max(100).optional(),
});

const TARGET_RE = /^(spawn:.+|url:wss?:\/\/.+)$/;

const Variant = z
  .strictObject({
    env: Env.optional(),
    /** `spawn:CMD` or `url:ws://...`; absent = the reference daemon with `env`. */
    target: z.string().regex(TARGET_RE, 'expected "spawn:CMD ARGS" or "url:ws://host:port"').optional(),
    /** For a url target: the pid whose process tree CPU and RSS are measured. */
    pid: z.number().int().positive().optional(),
  })
  .refine((v) => v.pid === undefined || (v.target?.startsWith('url:') ?? false), {
    message: 'pid is only meaningful with a "url:" target (a spawned target is measured by its own pid)',
    path: ['pid'],
  });

/**
 * How the two variants share the machine in a round. `interleaved`: one after the other, in a
 * seeded order. `duet` (Bulej et al., ICPE 2020): both at once, each target with its driver
 * pinned to its own core and the cores swapped every round, so both see the same interference.
 */
const Design = z.enum(['interleaved', 'duet']);

const Mix = z.strictObject({
  weight: z.number().positive(),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).optional(),
  repeat: z.boolean().optional(),
});

function build(opts: SchemaOptions) {
  const Latency = z.string().superRefine((spec, ctx) => {
    try {
      parseLatency(spec, { baseDir: opts.baseDir });
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });
  const Load = z.discriminatedUnion(
    'model',
    [
      z.strictObject({ model: z.literal('closed'), thinkTime: Latency.optional() }),
      z.strictObject({
        model: z.literal('open'),
        ratePerSec: z.number().positive(),
        arrival: z.enum(['poisson', 'uniform']).optional(),
        maxInFlight: z.number().int().positive().optional(),
      }),
    ],
    { error: 'expected model "closed" (with optional thinkTime) or "open" (with ratePerSec)' },
  );
  const World = z.strictObject({
    provider: z.strictObject({ latency: Latency.optional(), errorRate: z.number().min(0).max(1).optional() }).optional(),
    supabase: z
      .strictObject({
        latency: Latency.optional(),
        errorRate: z.number().min(0).max(1).optional(),
        store: z.enum(['memory', 'postgres']).optional(),
      })
      .optional(),
    redis: z.strictObject({ mode: z.enum(['auto', 'real', 'fake']).optional(), latency: Latency.optional() }).optional(),
  });
  /** What a profile may change: run length, load shape, budgets. Omitted keys keep the top-level value. */
  const Profile = z.strictObject({
    rounds: z.number().int().positive().optional(),
    warmupSec: z.number().nonnegative().optional(),
    measureSec: z.number().positive().optional(),
    clients: z.number().int().positive().optional(),
    idleClients: z.number().int().nonnegative().optional(),
    load: Load.optional(),
    budgets: Budgets.optional(),
    requestTimeoutSec: z.number().positive().optional(),
    design: Design.optional(),
  });
  return z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    protocol: z.enum(['exai', 'mcp']).default('exai'),
    clients: z.number().int().positive(),
    idleClients: z.number().int().nonnegative().default(0),
    load: Load,
    mix: z.array(Mix).min(1, 'expected at least one mix entry'),
    churn: z.strictObject({ everyRequests: z.number().int().positive() }).optional(),
    requestTimeoutSec: z.number().positive().default(30),
    world: World.default({}),
    env: Env.default({}),
    variants: z
      .strictObject({ baseline: Variant, instrumented: Variant })
      .default({ baseline: { env: { METRICS_BACKEND: 'none' } }, instrumented: { env: { METRICS_BACKEND: 'fast' } } }),
    rounds: z.number().int().positive().default(10),
    warmupSec: z.number().nonnegative().default(3),
    measureSec: z.number().positive().default(10),
    design: Design.default('duet'),
    budgets: Budgets,
    profiles: z.strictObject({ smoke: Profile.optional(), ci: Profile.optional(), full: Profile.optional() }).optional(),
  });
}

export function scenarioSchema(opts: SchemaOptions = {}) {
  return build(opts);
}

const defaultSchema = build({});

/** A validated scenario, defaults filled in. */
export type Scenario = z.output<typeof defaultSchema>;
/** What a scenario file may contain (defaults optional). */
export type ScenarioInput = z.input<typeof defaultSchema>;
export type ScenarioLoad = Scenario['load'];
export type ScenarioWorld = Scenario['world'];
export type ScenarioVariant = Scenario['variants']['baseline'];
export type Budgets = Scenario['budgets'];
/** One budget as written: percent, or percent with an absolute floor in microseconds. */
export type Budget = z.output<typeof FloorBudget>;
export type Design = z.output<typeof Design>;
export type ProfileName = 'smoke' | 'ci' | 'full';
export const PROFILE_NAMES: readonly ProfileName[] = ['smoke', 'ci', 'full'];
