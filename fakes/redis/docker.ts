/**
 * Redis in a container, for machines with Docker but no redis-server. The engine is probed
 * cheaply first (a socket that exists and answers GET /_ping within 500 ms) because importing
 * and initialising testcontainers costs seconds even when there is no engine.
 */

export { dockerAnswers, type DockerProbe } from '../../common/docker.ts';

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
