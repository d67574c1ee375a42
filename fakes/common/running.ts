/** What every fake server returns when started: where it listens and how to stop it. */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 or redis://127.0.0.1:41235 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}
