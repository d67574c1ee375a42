/**
 * A free TCP port on host, for programs that cannot listen on port 0 and report back
 * (redis-server). Bind 0, read the port, close: another process may grab it before the
 * child binds, so callers retry on "address in use".
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
