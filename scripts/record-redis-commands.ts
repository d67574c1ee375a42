/**
 * Record which Redis commands the reference daemon sends, and write them to
 * fakes/redis/daemon-commands.json: the set the RESP fake must implement.
 *
 *   npm run redis:record-commands [--skip-harness] [--skip-daemon-tests] [--out FILE]
 *
 * A throwaway redis-server is started (findRedis 'real', a developer's REDIS_URL is ignored so
 * their data is never touched) and watched by a command recorder (command-recorder.ts: a tap
 * that parses every request, plus MONITOR for the commands scripts run). Each source of traffic
 * gets its own recorder, so the fixture says where each command came from:
 * - workload: daemon/testing/redis-workload.ts, an in-process daemon with the fast backend (Redis sink) and
 *   rate limits on (the token-bucket script) through hello, chat miss + hit, status, echo,
 *   pending results + resume, many connections, /metrics.json?scope=cluster, close;
 * - harness:<scenario>: `overbench realistic --scenario <scenario> --profile smoke` for every
 *   built-in scenario, with REDIS_URL pointing at the recorder (the harness's fakes honour it);
 * - daemon-tests: `vitest run daemon/` with REDIS_URL set; this includes the tests' own
 *   clients (FLUSHALL, KEYS, LLEN...), which the fake serves too when no redis-server exists.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startCommandRecorder } from '../fakes/redis/testing/command-recorder.ts';
import { driveDaemonWorkload } from '../daemon/testing/redis-workload.ts';
import { findRedis } from '../fakes/redis/find.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURE = join(ROOT, 'fakes', 'redis', 'daemon-commands.json');

export interface DaemonCommands {
  comment: string;
  redisServer: string;
  /** Sorted union of every source: upper-case names, "CLIENT|SETINFO" for subcommands. */
  commands: string[];
  /** Sorted names per source of traffic. */
  sources: Record<string, string[]>;
  /** Sorted names that scripts ran (MONITOR's "lua" lines): what EVAL needs from redis.call. */
  inScripts: string[];
}

function say(line: string): void {
  process.stderr.write(`record-commands: ${line}\n`);
}

/** Run a command to completion with extra env; its exit code and the tail of its output. */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code) => resolveRun({ code, tail: out.trim().split('\n').slice(-8).join('\n') }));
  });
}

async function main(argv: string[]): Promise<void> {
  const skipHarness = argv.includes('--skip-harness');
  const skipTests = argv.includes('--skip-daemon-tests');
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? resolve(argv[outAt + 1]) : FIXTURE;

  const server = await findRedis({ mode: 'real', env: { PATH: process.env.PATH } });
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const version = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? 'unknown';
  say(`redis-server ${version} at ${server.url}`);
  const sources: Record<string, string[]> = {};
  const inScripts = new Set<string>();
  const record = async (source: string, drive: (url: string) => Promise<void>) => {
    await admin.flushall();
    const rec = await startCommandRecorder(server.url);
    try {
      await drive(rec.url);
      sources[source] = await rec.names();
      for (const name of rec.inScripts()) inScripts.add(name);
      say(`${source}: ${sources[source].join(' ')}`);
    } finally {
      await rec.close();
    }
  };

  try {
    await record('workload', async (url) => {
      const r = await driveDaemonWorkload({ redisUrl: url, inspectUrl: server.url });
      if (r.errors.length > 0) say(`workload saw error frames: ${JSON.stringify(r.errors).slice(0, 400)}`);
    });

    if (!skipHarness) {
      const reportDir = mkdtempSync(join(tmpdir(), 'overbench-record-'));
      try {
        const scenarios = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts')).sort();
        for (const scenario of scenarios) {
          await record(`harness:${scenario}`, async (url) => {
            const r = await run(process.execPath, ['bin/overbench.mjs', 'realistic', '--scenario', scenario, '--profile', 'smoke', '--out', reportDir], { REDIS_URL: url });
            // 0 pass, 1 budget failed, 3 inconclusive: the run itself happened.
            if (r.code !== 0 && r.code !== 1 && r.code !== 3) say(`harness ${scenario} exited ${r.code}:\n${r.tail}`);
          });
        }
      } finally {
        rmSync(reportDir, { recursive: true, force: true });
      }
    }

    if (!skipTests) {
      await record('daemon-tests', async (url) => {
        const r = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'daemon/'], { REDIS_URL: url });
        if (r.code !== 0) say(`vitest run daemon/ exited ${r.code} (commands recorded anyway):\n${r.tail}`);
      });
    }
  } finally {
    admin.disconnect();
    await server.close();
  }

  const commands = [...new Set(Object.values(sources).flat())].sort();
  const ran = Object.keys(sources).join(', ');
  const fixture: DaemonCommands = {
    comment:
      `The Redis commands the reference daemon sends (names as Redis's commandstats give them; X|Y is a subcommand), ` +
      `recorded by \`npm run redis:record-commands\` against redis-server ${version} through a ` +
      `request tap plus MONITOR (which shows the commands EVAL scripts run), from: ${ran}. ` +
      `"daemon-tests" includes the daemon tests' own clients. The RESP fake must implement every one ` +
      `(daemon/redis-commands.e2e.test.ts checks both).`,
    redisServer: version,
    commands,
    sources,
    inScripts: [...inScripts].sort(),
  };
  writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
  say(`${commands.length} commands written to ${relative(process.cwd(), out) || out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: Error) => {
      say(e.stack ?? e.message);
      process.exit(1);
    },
  );
}
