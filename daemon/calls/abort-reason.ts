/** Why a running call's AbortController fired; becomes the call's terminal error. */
export class CallAborted extends Error {
  override name = 'CallAborted';
  constructor(readonly why: 'cancelled' | 'timeout' | 'shutdown', message: string) {
    super(message);
  }
}
