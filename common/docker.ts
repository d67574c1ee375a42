import { existsSync } from 'node:fs';
import http from 'node:http';

export interface DockerProbe {
  /** `unix:///var/run/docker.sock` or `tcp://host:port`; default from DOCKER_HOST. */
  dockerHost?: string;
  timeoutMs?: number;
}

/**
 * True when a Docker engine answers GET /_ping in time (500 ms by default). Never throws. Asked
 * before anything loads testcontainers, which costs seconds even when no engine runs.
 */
export function dockerAnswers(probe: DockerProbe = {}): Promise<boolean> {
  const host = probe.dockerHost || process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const timeoutMs = probe.timeoutMs ?? 500;
  let target: http.RequestOptions;
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!existsSync(socketPath)) return Promise.resolve(false);
    target = { socketPath };
  } else if (host.startsWith('tcp://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: u.hostname, port: Number(u.port || 2375) };
  } else {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const req = http.get({ ...target, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}
