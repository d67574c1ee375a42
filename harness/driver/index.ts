/**
 * The load driver. Most callers want the process: `forkDriver(config)` (or `DriverProcess.fork`
 * then `start`) speaking the IPC contract of messages.ts; `Driver` runs the same thing in process.
 * Histograms cross process boundaries encoded (histogram.ts); merge them, never average percentiles.
 */
export { Driver, DEFAULT_MAX_IN_FLIGHT } from './driver.ts';
export { DriverFault, DriverProcess, forkDriver } from './process.ts';
export { decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, summarize, type Histogram } from './histogram.ts';
export type { ClosedLoad, DriverConfig, DriverLoad, DriverMessage, MixEntry, OpenLoad, ParentMessage, ToolWindowStats, WindowStats } from './messages.ts';
export { sessionIds } from './session-ids.ts';
export { validateDriverConfig } from './validate.ts';
