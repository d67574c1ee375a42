/**
 * Who watches the driver processes' windows in progress, in this process: the live view of a run
 * (`overbench realistic --dashboard`, harness/live/run-view.ts). A driver reports progress only
 * while someone watches: otherwise a window sends nothing until it is done, and the driver, which
 * shares its pinned core with its target, runs no timer for it. Process-wide, as the flag is: the
 * run loop that forks the drivers needs to know nothing of the view.
 */
import type { WindowProgress } from './messages.ts';

/** How often a watched driver reports (the live view updates at least once a second). */
export const PROGRESS_EVERY_MS = 1000;

/** One report: `label` is the driver's (its variant: baseline, instrumented). */
export interface DriverProgress extends WindowProgress {
  label: string;
}

type Watcher = (p: DriverProgress) => void;
const watchers = new Set<Watcher>();

/** Watch every driver's windows from now on (from their next window); returns the way to stop. */
export function watchDriverProgress(watcher: Watcher): () => void {
  watchers.add(watcher);
  return () => void watchers.delete(watcher);
}

export function progressWatched(): boolean {
  return watchers.size > 0;
}

export function reportDriverProgress(p: DriverProgress): void {
  for (const w of watchers) w(p);
}
