import net from 'node:net';

/**
 * An ephemeral loopback port for a target that must be told its port up front (`{port}`). The
 * port is free when returned; another process could take it before the target binds, in which
 * case the target fails to start and the user sees its stderr (a real "port in use").
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
