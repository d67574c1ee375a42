import type { RunEvent, RunListener } from '../run/events.ts';
import { fmtClock } from '../../common/format.ts';

/**
 * The live line on a terminal: scenario, round, variant, phase, elapsed and remaining (planned
 * window time left; start-up of targets comes on top). Redrawn in place, erased before any other
 * output so tables never interleave with it.
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private planned = 0;
  /** Window seconds already run, plus the current window's start and length. */
  private doneSec = 0;
  private current: Extract<RunEvent, { type: 'window-start' }> | null = null;
  private currentAt = 0;
  private scenarioLabel = '';
  /** Shown instead of the window while there is none (targets starting). */
  private status = '';

  constructor(private readonly out: NodeJS.WriteStream) {}

  readonly listener: RunListener = (e) => {
    switch (e.type) {
      case 'run-start':
        this.startedAt = Date.now();
        this.planned = e.plannedSec;
        this.timer = setInterval(() => this.draw(), 500);
        this.timer.unref();
        break;
      case 'scenario-start':
        this.closeWindow();
        this.scenarioLabel = `[${e.index + 1}/${e.count}] ${e.scenario}`;
        this.current = null;
        this.status = 'starting fakes, targets and drivers';
        this.draw();
        break;
      case 'window-start':
        this.closeWindow();
        this.status = '';
        this.current = e;
        this.currentAt = Date.now();
        this.draw();
        break;
      case 'scenario-end':
        this.closeWindow();
        this.current = null;
        this.clear();
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
    this.clear();
  }

  clear(): void {
    this.out.write('\r\x1b[2K');
  }

  private closeWindow(): void {
    if (this.current) this.doneSec += this.current.durationSec;
    this.current = null;
  }

  private draw(): void {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const inWindow = this.current ? Math.min(this.current.durationSec, (Date.now() - this.currentAt) / 1000) : 0;
    const remaining = this.planned - this.doneSec - inWindow;
    const c = this.current;
    const what = this.status || (c ? `${c.phase === 'initial-warmup' ? 'initial warm-up' : `round ${c.round}/${c.rounds}`}  ${c.variant}  ${c.phase === 'measure' ? 'measuring' : 'warming up'}` : '');
    this.out.write(`\r\x1b[2K${this.scenarioLabel}  ${what}  elapsed ${fmtClock(elapsed)}  remaining ~${fmtClock(remaining)}`);
  }
}
