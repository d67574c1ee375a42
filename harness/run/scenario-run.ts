import path from 'node:path';
import type { DriverConfig } from '../driver/messages.ts';
import { UsageError } from '../cli/exit-codes.ts';
import { fetchMetricsTotals, fetchStats, type DaemonStats } from '../measure/daemon-monitor.ts';
import { startWindowMeter } from '../measure/window-meter.ts';
import type { Result, RoundResult, ScenarioResult } from '../result/schema.ts';

type WorldInfo = NonNullable<Result['env']['world']>;
import { initialWarmupSec } from '../scenario/profile.ts';
import { startFakes, type RunningFakes } from '../targets/fakes-process.ts';
import { stopAllChildren } from '../targets/children.ts';
import { startTarget } from '../targets/start.ts';
import type { RunningTarget } from '../targets/types.ts';
import { compareRounds } from './compare-rounds.ts';
import { DriverFault, DriverProcess } from './driver-process.ts';
import type { Phase, RunListener, VariantName } from './events.ts';
import { exactnessRound, summarizeExactness, type ExactnessRound } from './exactness.ts';
import { Guard, TargetDied } from './guard.ts';
import type { ScenarioPlan, VariantPlan } from './plan.ts';
import { buildRoundResult, type TargetWindow } from './round-result.ts';
import { roundOrders } from './seeds.ts';
import { scenarioVerdict } from '../stats/compare.ts';

const VARIANTS: readonly VariantName[] = ['baseline', 'instrumented'];

interface LiveVariant {
  plan: VariantPlan;
  target: RunningTarget;
  driver: DriverProcess;
  /** The daemon's /metrics.json is exact and counting: check it against the driver's frames. */
  checkExactness: boolean;
}

export interface ScenarioOutcome {
  result: ScenarioResult;
  world: WorldInfo | null;
}

function driverConfig(plan: ScenarioPlan, variant: VariantName, url: string, token: string | undefined): DriverConfig {
  const s = plan.scenario;
  return {
    url,
    protocol: s.protocol,
    token,
    clients: s.clients,
    load: s.load,
    mix: s.mix,
    // The same seed for both variants: both see the same request sequence, which tightens the pairing.
    seed: plan.seed,
    churn: s.churn,
    sessionPrefix: `ob-${s.name}-${variant === 'baseline' ? 'b' : 'i'}`.slice(0, 48),
    requestTimeoutMs: s.requestTimeoutSec * 1000,
    idleClients: s.idleClients,
  };
}

/** Only an exact, counting backend can be held to the driver's frame counts (not `none`, not `sampled`). */
async function exactnessApplies(target: RunningTarget): Promise<boolean> {
  if (!target.monitoringUrl) return false;
  try {
    const t = await fetchMetricsTotals(target.monitoringUrl);
    return t.exact && t.backend !== 'none';
  } catch {
    return false;
  }
}

function statsExtra(before: DaemonStats | null, after: DaemonStats | null): Record<string, number> | undefined {
  if (!before || !after) return undefined;
  return {
    // getrusage-based, the daemon process only (not its tree): a cross-check of the /proc figure.
    daemonCpuUserUs: after.cpuUserUs - before.cpuUserUs,
    daemonCpuSystemUs: after.cpuSystemUs - before.cpuSystemUs,
    eventLoopUtilization: after.eventLoopUtilization,
    eventLoopDelayP99Ms: after.eventLoopDelayP99Ms,
  };
}

/**
 * One scenario end to end: fakes (if a variant is the reference daemon), both targets started
 * once, one driver per target, a long warm-up each, then R rounds of both variants in a seeded
 * order, each a warm-up window and a measured window. Everything it started is stopped in
 * `finally`, whatever happened. A death mid-run becomes the scenario's `error`; an abort rethrows.
 */
export async function runScenario(
  plan: ScenarioPlan,
  position: { index: number; count: number },
  ctx: { signal: AbortSignal; emit: RunListener },
): Promise<ScenarioOutcome> {
  const s = plan.scenario;
  const guard = new Guard(ctx.signal);
  const started: RunningTarget[] = [];
  const rounds: RoundResult[] = [];
  const exactRounds: ExactnessRound[] = [];
  let fakes: RunningFakes | null = null;
  const live = {} as Record<VariantName, LiveVariant>;
  const variantsInfo = { baseline: { ...plan.variants.baseline.info }, instrumented: { ...plan.variants.instrumented.info } };
  const emitWindow = (round: number, variant: VariantName, phase: Phase, durationSec: number) =>
    ctx.emit({ type: 'window-start', scenario: s.name, round, rounds: s.rounds, variant, phase, durationSec });

  ctx.emit({ type: 'scenario-start', scenario: s.name, index: position.index, count: position.count, plannedSec: plan.plannedSec });
  // Forked first: their start-up (module loading) overlaps the fakes' and the targets'.
  const drivers = { baseline: DriverProcess.fork('baseline'), instrumented: DriverProcess.fork('instrumented') };
  for (const name of VARIANTS) guard.watch(drivers[name].died);
  try {
    if (plan.needsFakes) {
      fakes = await guard.run(startFakes(s.world, plan.seed, { baseDir: path.dirname(path.resolve(plan.file)) }));
      guard.watch(fakes.died);
    }
    const targets = await guard.run(startBoth(plan, fakes, started));
    for (const name of VARIANTS) {
      guard.watch(targets[name].died);
      variantsInfo[name].pid = targets[name].pid;
      if (targets[name].backend) variantsInfo[name].backend = targets[name].backend;
    }
    await guard.run(startDrivers(plan, targets, drivers));
    for (const name of VARIANTS) {
      live[name] = { plan: plan.variants[name], target: targets[name], driver: drivers[name], checkExactness: await exactnessApplies(targets[name]) };
    }
    ctx.emit({ type: 'scenario-ready', scenario: s.name, baseline: targets.baseline.target, instrumented: targets.instrumented.target, world: fakes ? JSON.stringify(fakes.world) : null });

    const windowTimeout = (sec: number) => sec * 1000 + s.requestTimeoutSec * 1000 + 30_000;
    const idleWindow = async (v: LiveVariant, round: number, phase: Phase, sec: number) => {
      if (sec <= 0) return;
      emitWindow(round, v.plan.name, phase, sec);
      await guard.run(v.driver.window(sec * 1000, false, windowTimeout(sec)));
    };

    for (const name of VARIANTS) await idleWindow(live[name], 0, 'initial-warmup', initialWarmupSec(s));

    const orders = roundOrders(plan.seed, s.rounds);
    for (let round = 1; round <= s.rounds; round++) {
      const order = orders[round - 1];
      for (let position = 0; position < order.length; position++) {
        const v = live[order[position]];
        await idleWindow(v, round, 'warmup', s.warmupSec);
        emitWindow(round, v.plan.name, 'measure', s.measureSec);
        const result = await measuredWindow(v, round, position, s.measureSec, windowTimeout(s.measureSec), guard, exactRounds);
        rounds.push(result);
        ctx.emit({ type: 'round-done', scenario: s.name, result });
      }
    }

    const exactness = summarizeExactness(exactRounds);
    const comparisons = compareRounds(rounds, s.budgets, plan.seed);
    const result: ScenarioResult = {
      name: s.name,
      kind: 'realistic',
      description: s.description,
      profile: s.profile,
      verdict: scenarioVerdict(comparisons, exactness ? exactness.ok : null),
      variants: variantsInfo,
      rounds,
      comparisons,
      exactness,
    };
    ctx.emit({ type: 'scenario-end', result });
    return { result, world: fakes?.world ?? null };
  } catch (e) {
    // A death or a driver fault mid-run is data (the scenario's error); aborts and bad input rethrow.
    if (!(e instanceof TargetDied) && !(e instanceof DriverFault)) throw e;
    const result: ScenarioResult = {
      name: s.name,
      kind: 'realistic',
      description: s.description,
      profile: s.profile,
      verdict: 'inconclusive',
      variants: variantsInfo,
      rounds,
      comparisons: [],
      exactness: summarizeExactness(exactRounds),
      error: (e as Error).message,
    };
    ctx.emit({ type: 'scenario-end', result });
    return { result, world: fakes?.world ?? null };
  } finally {
    // Drivers first (they close their connections), then the targets, then the fakes they use.
    await Promise.all(VARIANTS.map((n) => drivers[n].stop().catch(() => undefined)));
    await Promise.all(started.map((t) => t.stop().catch(() => undefined)));
    await fakes?.stop().catch(() => undefined);
    // Whatever an interrupted start-up left behind (a target still booting when Ctrl-C came).
    await stopAllChildren();
  }
}

async function startBoth(plan: ScenarioPlan, fakes: RunningFakes | null, started: RunningTarget[]): Promise<Record<VariantName, RunningTarget>> {
  const settled = await Promise.allSettled(
    VARIANTS.map((name) => {
      const v = plan.variants[name];
      return startTarget({ label: name, spec: v.spec, env: v.env, protocol: plan.scenario.protocol, fakes: fakes?.endpoints ?? null });
    }),
  );
  for (const r of settled) if (r.status === 'fulfilled') started.push(r.value);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [baseline, instrumented] = settled.map((r) => (r as PromiseFulfilledResult<RunningTarget>).value);
  return { baseline, instrumented };
}

async function startDrivers(plan: ScenarioPlan, targets: Record<VariantName, RunningTarget>, drivers: Record<VariantName, DriverProcess>): Promise<void> {
  const s = plan.scenario;
  const timeoutMs = 30_000 + (s.clients + s.idleClients) * 20;
  const settled = await Promise.allSettled(
    VARIANTS.map((name) => {
      const token = plan.variants[name].env.EXAI_WS_TOKEN ?? process.env.EXAI_WS_TOKEN;
      return drivers[name].start(driverConfig(plan, name, targets[name].url, token), timeoutMs);
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  // The driver could not connect or say hello: the target is not usable as configured.
  if (failed) throw new UsageError(`${s.name}: ${(failed.reason as Error).message}`);
}

async function measuredWindow(
  v: LiveVariant,
  round: number,
  order: number,
  seconds: number,
  timeoutMs: number,
  guard: Guard,
  exactRounds: ExactnessRound[],
): Promise<RoundResult> {
  const monitoring = v.target.monitoringUrl;
  // Monitoring reads happen outside the metered span so they do not count as the window's CPU.
  const statsBefore = monitoring ? await guard.run(fetchStats(monitoring)) : null;
  const totalsBefore = v.checkExactness && monitoring ? await guard.run(fetchMetricsTotals(monitoring)) : null;
  const meter = v.target.pid !== null ? startWindowMeter(v.target.pid) : null;
  const stats = await guard.run(v.driver.window(seconds * 1000, true, timeoutMs));
  const measured = meter?.end() ?? null;
  const totalsAfter = totalsBefore && monitoring ? await guard.run(fetchMetricsTotals(monitoring)) : null;
  const statsAfter = monitoring ? await guard.run(fetchStats(monitoring)) : null;
  if (totalsBefore && totalsAfter) exactRounds.push(exactnessRound(round, stats, totalsBefore, totalsAfter));
  const target: TargetWindow = {
    cpuUs: measured?.cpuUs ?? null,
    rssBytes: measured?.rssBytes ?? null,
    extra: statsExtra(statsBefore, statsAfter),
  };
  return buildRoundResult({ round, variant: v.plan.name, order, stats, target });
}
