import { z } from 'zod';
import { parseLatency } from '../../common/latency.ts';
import { parseJsonPath } from '../protocol/json-path.ts';
import { placeholderProblems } from '../targets/placeholders.ts';

/**
 * The scenario file (README, "Scenarios"): plain data, checked here at the boundary before
 * any process starts. Every object is strict: a misspelt key is an error, never silently ignored.
 * Defaults live in this one file.
 *
 * Extensions beyond the basic format (all optional): `idleClients` (silent connections beside
 * the busy ones), `churn` (reconnect with session resume), `requestTimeoutSec`, and a top-level
 * `env` applied to both variants' processes (each variant's own env wins).
 *
 * For a daemon of one's own (README, "Drive your own daemon"): `ports` (named ports per variant,
 * `{port:NAME}`), `errorRules` (in-band errors), `exactness` (where the target's own message
 * counters live), and the placeholders of harness/targets/placeholders.ts in target commands,
 * env values and the exactness URL.
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

/** One metric's pair luck as a calibration measured it (a scenario's `pairLuck`). */
const KnownPairLuck = z.strictObject({ sdPct: z.number().nonnegative().max(100), n: z.number().int().positive() });

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
    /** This variant's dashboard viewers (overrides the scenario's): measure the cost of watching alone. */
    dashboardViewers: z.number().int().min(0).max(100).optional(),
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
export const DESIGNS = ['duet', 'interleaved'] as const;
const Design = z.enum(DESIGNS);

/** A JSON path (harness/protocol/json-path.ts), checked here so a typo stops the run before it starts. */
const JsonPath = z.string().superRefine((path, ctx) => {
  try {
    parseJsonPath(path);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const Regex = z.string().superRefine((re, ctx) => {
  try {
    new RegExp(re);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

/**
 * An in-band error (harness/protocol/error-rules.ts): a terminal frame the protocol calls a success
 * is an error of `kind` when the value at `path` matches `regex` or `equals` (one of the two).
 */
const ErrorRule = z
  .strictObject({
    path: JsonPath,
    regex: Regex.optional(),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    kind: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected an error kind of letters, digits, "_", ".", ":" or "-"'),
  })
  .refine((r) => (r.regex === undefined) !== (r.equals === undefined), { message: 'give exactly one of "regex" and "equals"' });

const HttpUrl = z.string().regex(/^https?:\/\/\S+$/, 'expected an http:// URL (placeholders such as {port:metrics} allowed)');
const Counter = z.strictObject({
  metric: z.string().regex(/^[A-Za-z_:][A-Za-z0-9_:]*$/, 'expected a Prometheus metric name'),
  /** Series whose labels include these; all matching series are summed. */
  labels: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a Prometheus label name'), z.string()).optional(),
});

/**
 * Where a target's own message counters live, for the exactness check: Prometheus text (a URL, a
 * metric and labels for received and for sent) or JSON (a URL and a JSON path for each).
 */
const ExactnessSource = z
  .strictObject({
    prometheus: z.strictObject({ url: HttpUrl, received: Counter, sent: Counter }).optional(),
    json: z.strictObject({ url: HttpUrl, received: JsonPath, sent: JsonPath }).optional(),
  })
  .refine((e) => (e.prometheus === undefined) !== (e.json === undefined), { message: 'give exactly one of "prometheus" and "json"' });

const PortName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a port name of letters, digits, "_" or "-"');

/** The world a scenario gets when it writes none; `worldWritten` tells the two apart. */
const NO_WORLD = Object.freeze({});

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
    provider: z
      .strictObject({
        latency: Latency.optional(),
        errorRate: z.number().min(0).max(1).optional(),
        /** Requests and tokens per minute, as GLM and Kimi enforce them: 429 with Retry-After above. */
        limits: z
          .strictObject({ rpm: z.number().int().positive().optional(), tpm: z.number().int().positive().optional() })
          .refine((l) => l.rpm !== undefined || l.tpm !== undefined, {
            message: 'give rpm, tpm or both (requests and tokens per minute)',
            // only about an object otherwise valid: a misspelt key is reported alone
            when: (p) => p.issues.length === 0,
          })
          .optional(),
      })
      .optional(),
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
    processes: z.number().int().positive().max(20).optional(),
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
    world: World.default(() => NO_WORLD),
    env: Env.default({}),
    variants: z
      .strictObject({ baseline: Variant, instrumented: Variant })
      .default({ baseline: { env: { METRICS_BACKEND: 'none' } }, instrumented: { env: { METRICS_BACKEND: 'fast' } } }),
    rounds: z.number().int().positive().default(10),
    warmupSec: z.number().nonnegative().default(3),
    measureSec: z.number().positive().default(10),
    design: Design.default('duet'),
    /**
     * Pairs of target processes the rounds are spread over, started afresh one pair after the
     * other (each with its own warm-up): the pair is then the unit of the interval, so a
     * process's own JIT and layout luck is counted (harness/stats/processes.ts). 1: one pair.
     * 2: the interval is the rounds', widened by the luck the two pairs' spread implies
     * (harness/stats/processes.ts, twoPairLuck): t on one degree of freedom would be useless.
     */
    processes: z.number().int().positive().max(20).default(1),
    /**
     * The luck one pair of processes carries on the machine the scenario runs on, per metric, as
     * `overbench calibrate` measured it (calibration.json's `pairLuck`: `sdPct`, and `n`, the
     * intervals or degrees of freedom it came from): CPU per request's, and the latency
     * percentiles' and throughput's where the calibration measured them. Each such interval counts it
     * (harness/stats/compare.ts), so a verdict does not rest on one pair's luck, and over several
     * pairs it is not left to their t. `--calibration FILE` overrides it.
     */
    pairLuck: z.strictObject({ cpuPerRequest: KnownPairLuck.optional(), p50: KnownPairLuck.optional(), p95: KnownPairLuck.optional(), p99: KnownPairLuck.optional(), throughput: KnownPairLuck.optional() }).optional(),
    budgets: Budgets,
    profiles: z.strictObject({ smoke: Profile.optional(), ci: Profile.optional(), full: Profile.optional() }).optional(),
    /** Named ports each variant gets, free and distinct: `{port:NAME}`. */
    ports: z.array(PortName).refine((a) => new Set(a).size === a.length, { message: 'a port name is given twice' }).optional(),
    errorRules: z.array(ErrorRule).optional(),
    exactness: ExactnessSource.optional(),
    /** Browsers' worth of dashboard viewers on each reference daemon's /ws feed during the run: the cost of watching. */
    dashboardViewers: z.number().int().min(0).max(100).optional(),
    /**
     * HTTP load (autocannon) on each reference daemon's monitoring endpoints while the WebSocket
     * load runs: reading metrics under load is part of the overhead (harness/http-load/).
     */
    httpLoad: z
      .strictObject({
        paths: z.array(z.string().regex(/^\/\S*$/, 'expected a path such as /metrics')).min(1).default(['/health', '/metrics.json', '/metrics']),
        connections: z.number().int().positive().max(64).default(2),
        /** Requests per second over all connections; absent = as fast as the connections go. */
        ratePerSec: z.number().positive().optional(),
      })
      .optional(),
    /** Reference daemon instances per variant, behind the same Redis and Supabase, clients spread round-robin. */
    instances: z.number().int().min(1).max(8).optional(),
  }).superRefine((s, ctx) => {
    // Placeholders are checked before anything starts: a {port:x} that is not declared is a typo.
    const ports = s.ports ?? [];
    const check = (text: string, path: (string | number)[]) => {
      for (const message of placeholderProblems(text, ports)) ctx.addIssue({ code: 'custom', message, path });
    };
    for (const name of ['baseline', 'instrumented'] as const) {
      const v = s.variants[name];
      if (v.target) check(v.target, ['variants', name, 'target']);
      for (const [k, val] of Object.entries(v.env ?? {})) check(val, ['variants', name, 'env', k]);
    }
    for (const [k, val] of Object.entries(s.env)) check(val, ['env', k]);
    const ex = s.exactness?.prometheus ?? s.exactness?.json;
    if (ex) check(ex.url, ['exactness', s.exactness?.prometheus ? 'prometheus' : 'json', 'url']);
  });
}

/** Did the scenario file write a `world` (even `{}`)? Then spawn targets get it too, not only the reference daemon. */
export function worldWritten(s: { world: object }): boolean {
  return s.world !== NO_WORLD;
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
export type ScenarioExactness = NonNullable<Scenario['exactness']>;
export type Budgets = Scenario['budgets'];
/** One budget as written: percent, or percent with an absolute floor in microseconds. */
export type Budget = z.output<typeof FloorBudget>;
export type Design = z.output<typeof Design>;
export type ProfileName = 'smoke' | 'ci' | 'full';
export const PROFILE_NAMES: readonly ProfileName[] = ['smoke', 'ci', 'full'];
