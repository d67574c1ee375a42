/**
 * A free TCP port on host, for programs that must be told their port up front and cannot listen
 * on port 0 and report back (redis-server, postgres, a target daemon). Bind 0, read the port,
 * close: another process may grab it before the child binds, so callers retry on "address in use"
 * (or let the child fail with a real "port in use").
 */
import net from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
