/** The provider service of docker-compose.bench.yml runs its command here, as its container would. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../common/free-port.ts';
import { parseLatency } from '../../common/latency.ts';
import { REPO_ROOT } from '../../common/tsx.ts';

const doc = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.bench.yml'), 'utf8'), { merge: true }) as {
  services: { provider: { command: string[]; environment: Record<string, string> } };
};

describe('the compose provider service', () => {
  it("runs the provider service's own command: the provider fake answers a chat completion on its port", async () => {
    const env = doc.services.provider.environment;
    expect(() => parseLatency(env.PROVIDER_LATENCY)).not.toThrow();
    const port = await freePort();
    const [bin, ...args] = doc.services.provider.command;
    expect(bin).toBe('node');
    const child = execFile(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env, PROVIDER_PORT: String(port), PROVIDER_LATENCY: 'constant:v=1ms' } });
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        child.stdout!.once('data', (d) => resolve(String(d)));
        child.once('exit', (code) => reject(new Error(`provider command exited ${code}`)));
      });
      expect(JSON.parse(ready)).toEqual({ provider: `http://0.0.0.0:${port}` });
      const res = await fetch(`http://127.0.0.1:${port}/api/paas/v4/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'glm-4.5-flash', messages: [{ role: 'user', content: 'hello' }] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});
