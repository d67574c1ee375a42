/** A load model (k6: an executor): how the busy clients issue requests during a window. */
export interface LoadModel {
  /** Start issuing now; issue nothing intended for `endAt` (performance.now() ms) or later. */
  begin(endAt: number): void;
  /** Stop issuing at once (requests in flight continue; the driver drains them). */
  stopIssuing(): void;
}
