/**
 * fetchStats against small monitoring servers over real HTTP: the reference daemon's
 * `/stats?gc=young`, a user's daemon that refuses the query, and one without /stats.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchStats } from './daemon-monitor.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A monitoring origin whose /stats answers `answer(query)`: [status, body]; it records each URL asked. */
async function monitoring(answer: (query: string) => [number, unknown]): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://m');
    const [status, body] = url.pathname === '/stats' ? answer(url.search) : [404, { error: 'not found' }];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

describe('fetchStats', () => {
  it('asks for the young collection when told to, and takes that answer', async () => {
    const m = await monitoring((q) => [200, { rssBytes: 1, ...(q === '?gc=young' && { youngGcUs: 42 }) }]);
    expect(await fetchStats(m.url, { collectYoung: true })).toMatchObject({ youngGcUs: 42 });
    expect(await fetchStats(m.url)).toEqual({ rssBytes: 1 });
    expect(m.asked).toEqual(['/stats?gc=young', '/stats']);
  });

  it('reads a daemon that refuses the query again without it', async () => {
    const m = await monitoring((q) => (q === '' ? [200, { rssBytes: 7 }] : [400, { error: 'unknown query' }]));
    expect(await fetchStats(m.url, { collectYoung: true })).toEqual({ rssBytes: 7 });
    expect(m.asked).toEqual(['/stats?gc=young', '/stats']);
  });

  it('is null where there is no /stats', async () => {
    const m = await monitoring(() => [404, {}]);
    expect(await fetchStats(`${m.url}/nothing-here`, { collectYoung: true })).toBeNull();
  });
});
