/**
 * Redis in a container, for machines with Docker but no redis-server. The engine is probed
 * cheaply first (a socket that exists and answers GET /_ping within 500 ms) because importing
 * and initialising testcontainers costs seconds even when there is no engine.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';

export interface DockerProbe {
  /** `unix:///var/run/docker.sock` or `tcp://host:port`; default from DOCKER_HOST. */
  dockerHost?: string;
  timeoutMs?: number;
}

/** True when a Docker engine answers /_ping in time. Never throws. */
export function dockerAnswers(probe: DockerProbe = {}): Promise<boolean> {
  const host = probe.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
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

export interface RedisContainer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startRedisContainer(image = 'redis:7-alpine'): Promise<RedisContainer> {
  const { GenericContainer } = await import('testcontainers');
  const container = await new GenericContainer(image).withExposedPorts(6379).start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    close: async () => {
      await container.stop();
    },
  };
}
