/**
 * .github/workflows/bench.yml, the workflow users copy: parsed, and held to what this package
 * offers: every `npm run` names a script of package.json, every `npx overbench` a command the CLI
 * has, the Redis service is the one the job's REDIS_URL names, and the report files it uploads are
 * those a run writes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../common/tsx.ts';
import { ReportersMap } from '../report/reporters/index.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; services: Record<string, { image: string; ports: string[]; options?: string }>; env: Record<string, string>; steps: Step[] }>;
}

const wf = parse(readFileSync(path.join(REPO_ROOT, '.github/workflows/bench.yml'), 'utf8')) as Workflow;
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } };
const cliSource = readFileSync(path.join(REPO_ROOT, 'harness/cli/main.ts'), 'utf8');
const job = wf.jobs.gate;
const runs = job.steps.map((s) => s.run ?? '').join('\n');

describe('.github/workflows/bench.yml', () => {
  it('runs on pull requests and pushes, with a Redis service the job points REDIS_URL at', () => {
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect(job.services.redis.image).toBe('redis:7-alpine');
    const [host] = job.services.redis.ports[0].split(':');
    expect(job.env.REDIS_URL).toBe(`redis://127.0.0.1:${host}`);
    expect(job.services.redis.options).toContain('redis-cli ping');
  });

  it('installs with the lockfile on the Node the package needs, then runs the gate', () => {
    const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(Number(node?.with?.['node-version'])).toBeGreaterThanOrEqual(Number(/\d+/.exec(pkg.engines.node)![0]));
    const order = job.steps.map((s) => s.run ?? s.uses ?? '');
    expect(order.findIndex((r) => r === 'npm ci')).toBeLessThan(order.findIndex((r) => r.startsWith('npm run bench:gate')));
  });

  it('names only npm scripts of package.json and overbench commands that exist', () => {
    const scripts = [...runs.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(scripts).toContain('bench:gate');
    for (const s of scripts) expect(pkg.scripts, `npm run ${s}`).toHaveProperty(s);
    const commands = [...runs.matchAll(/npx overbench (\w+)/g)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(cliSource, `overbench ${c}`).toMatch(new RegExp(`^  ${c}: \\{ summary:`, 'm'));
  });

  it('uploads the HTML report a run writes, even when the gate fails, and writes the job summary', () => {
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    const paths = String(upload.with!.path).trim().split('\n');
    expect(paths).toEqual(expect.arrayContaining(['reports/latest.html', `reports/*/${ReportersMap.html.defaultFile}`]));
    // The gate's own --out is where the upload looks.
    expect(runs).toMatch(/npm run bench:gate -- --out reports\b/);
    expect(runs).toContain('$GITHUB_STEP_SUMMARY');
  });

  it('comments on a pull request only when asked, with the Markdown report', () => {
    const comment = job.steps.find((s) => s.run?.includes('gh pr comment'))!;
    expect(comment.if).toContain("github.event_name == 'pull_request'");
    expect(comment.if).toContain("vars.OVERBENCH_PR_COMMENT == 'true'");
    expect(comment.run).toMatch(/npx overbench report reports\/latest\.json --md pr-comment\.md/);
    expect(wf.permissions['pull-requests']).toBe('write');
  });
});
