import type { RunEvent, RunListener } from '../run/events.ts';
import { fmtClock } from '../../common/format.ts';
import { RunEta } from './eta.ts';

/**
 * The run's progress and its ETA (eta.ts), given up front and kept current. `live` (a terminal):
 * one line with scenario, round, variant, phase, elapsed and remaining, redrawn in place and
 * erased before any other output so tables never interleave with it. Otherwise (CI logs): one
 * line up front and one per scenario.
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private eta = new RunEta([]);
  private current: Extract<RunEvent, { type: 'window-start' }> | null = null;
  private scenarioLabel = '';
  /** Shown instead of the window while there is none (targets starting). */
  private status = '';

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly live = true,
  ) {}

  readonly listener: RunListener = (e) => {
    switch (e.type) {
      case 'run-start':
        this.startedAt = Date.now();
        this.eta = new RunEta(e.scenarios.map((s) => s.plannedSec));
        this.out.write(`${e.scenarios.length} scenario(s): ${this.left()} (${fmtClock(e.plannedSec)} of windows; start-ups, settling and drains at the pace of earlier runs)\n`);
        if (this.live) {
          this.timer = setInterval(() => this.draw(), 500);
          this.timer.unref();
        }
        break;
      case 'scenario-start':
        this.eta.scenarioStart(Date.now());
        this.scenarioLabel = `[${e.index + 1}/${e.count}] ${e.scenario}`;
        this.current = null;
        this.status = 'starting fakes, targets and drivers';
        if (this.live) this.draw();
        else this.out.write(`${this.scenarioLabel}: running (~${fmtClock(e.plannedSec)} of windows), the run ${this.left()} left\n`);
        break;
      case 'window-start':
        this.eta.windowStart(Date.now(), e);
        this.status = '';
        this.current = e;
        if (this.live) this.draw();
        break;
      case 'round-done':
        this.eta.roundDone(Date.now(), e.result.round, e.result.variant);
        break;
      case 'scenario-end':
        this.eta.scenarioEnd(Date.now());
        this.current = null;
        if (this.live) this.clear();
        break;
      case 'run-end':
        this.stop();
        break;
      default:
        break;
    }
  };

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.live) this.clear();
  }

  clear(): void {
    this.out.write('\r\x1b[2K');
  }

  private left(): string {
    return `~${fmtClock(this.eta.remaining(Date.now()))}`;
  }

  private draw(): void {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const c = this.current;
    const what = this.status || (c ? `${c.phase === 'initial-warmup' ? 'initial warm-up' : `round ${c.round}/${c.rounds}`}  ${c.variant}  ${c.phase === 'measure' ? 'measuring' : 'warming up'}` : '');
    this.out.write(`\r\x1b[2K${this.scenarioLabel}  ${what}  elapsed ${fmtClock(elapsed)}  remaining ${this.left()}`);
  }
}
