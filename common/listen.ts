import type { AddressInfo, Server } from 'node:net';

/**
 * Start `server` listening on host:port (0: any free port) and resolve with the port it got, or
 * reject with the listen error (port taken, address unavailable). The one-shot error listener is
 * removed once listening, so later errors go to the server's own handlers instead of a settled
 * promise. Works for net, http and ws-backed http servers alike.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
