/**
 * The RESP fake against a real redis-server, command by command (conformance-script.ts): the
 * same raw RESP in, the same replies out, error texts included, in RESP2 and in RESP3.
 *
 * The real server's replies are also kept in command-conformance.transcript.json, so the fake is
 * checked on machines without redis-server too. With redis-server present, the transcript must
 * match the live server when it is the same version; OVERBENCH_UPDATE_TRANSCRIPT=1 rewrites it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { commandName } from './testing/command-recorder.ts';
import { STEPS, runScript, type ScriptReply } from './testing/conformance-script.ts';
import daemonCommands from './daemon-commands.json' with { type: 'json' };
import { findRedis, type FoundRedis } from './find.ts';
import { RawClient } from './raw-client.ts';
import { startRespFake } from './resp-fake.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const TRANSCRIPT = join(HERE, 'command-conformance.transcript.json');

interface Transcript {
  comment: string;
  redisServer: string;
  resp2: ScriptReply[];
  resp3: ScriptReply[];
}

function readTranscript(): Transcript | undefined {
  return existsSync(TRANSCRIPT) ? (JSON.parse(readFileSync(TRANSCRIPT, 'utf8')) as Transcript) : undefined;
}

/** Compare step by step, so a failure names the command, not the 300th element of an array. */
function expectSame(actual: ScriptReply[], expected: ScriptReply[], what: string): void {
  expect(actual.map((s) => s.cmd), `${what}: the script changed; regenerate the transcript`).toEqual(expected.map((s) => s.cmd));
  const diffs = actual.flatMap((s, i) => (JSON.stringify(s.reply) === JSON.stringify(expected[i].reply)
    ? [] : [`#${i} ${s.cmd}\n    expected ${JSON.stringify(expected[i].reply)}\n    got      ${JSON.stringify(s.reply)}`]));
  expect(diffs, `${what}: ${diffs.length} replies differ`).toEqual([]);
}

async function serverVersion(url: string): Promise<string> {
  const c = await RawClient.connect(url);
  try {
    const r = await c.call(['INFO', 'server']);
    return /redis_version:(\S+)/.exec(r.t === '$' ? r.v ?? '' : '')?.[1] ?? 'unknown';
  } finally {
    c.close();
  }
}

describe('the conformance script', () => {
  it('covers every command the daemon sends (daemon-commands.json)', () => {
    const covered = new Set(STEPS.map((s) => commandName(s.cmd.map(String))));
    // Commands scripts run are covered by redis.call inside EVAL steps.
    const inScripts = STEPS.filter((s) => String(s.cmd[0]).toUpperCase() === 'EVAL').map((s) => String(s.cmd[1])).join('\n');
    for (const m of inScripts.matchAll(/redis\.p?call\(\s*['"](\w+)['"]/g)) covered.add(m[1].toUpperCase());
    expect(daemonCommands.commands.filter((c) => !covered.has(c))).toEqual([]);
  });
});

describe('the RESP fake against the recorded transcript of a real redis-server', () => {
  const transcript = readTranscript();
  it.skipIf(!transcript)('answers every step of the script as the real server did, in RESP2 and RESP3', async () => {
    const fake = await startRespFake({ version: transcript!.redisServer });
    try {
      expectSame(await runScript(fake.url, 2, transcript!.redisServer), transcript!.resp2, 'RESP2');
      expectSame(await runScript(fake.url, 3, transcript!.redisServer), transcript!.resp3, 'RESP3');
    } finally {
      await fake.close();
    }
  });
});

describeWithDeps(['redis-server'], 'the RESP fake against a live redis-server', () => {
  let real: FoundRedis;
  let version: string;
  let realReplies: { resp2: ScriptReply[]; resp3: ScriptReply[] };
  beforeAll(async () => {
    // A throwaway server (REDIS_URL hidden): the script flushes everything.
    real = await findRedis({ mode: 'real', env: { PATH: process.env.PATH } });
    version = await serverVersion(real.url);
    realReplies = { resp2: await runScript(real.url, 2, version), resp3: await runScript(real.url, 3, version) };
    if (process.env.OVERBENCH_UPDATE_TRANSCRIPT === '1') {
      const t: Transcript = {
        comment: 'Replies of a real redis-server to conformance-script.ts; rewritten by OVERBENCH_UPDATE_TRANSCRIPT=1 npx vitest run fakes/redis/command-conformance.e2e.test.ts',
        redisServer: version,
        ...realReplies,
      };
      // One step per line: a reviewable diff when Redis or the script changes.
      const steps = (xs: ScriptReply[]) => xs.map((x) => `    ${JSON.stringify(x)}`).join(',\n');
      writeFileSync(TRANSCRIPT, `{\n  "comment": ${JSON.stringify(t.comment)},\n  "redisServer": ${JSON.stringify(t.redisServer)},\n` +
        `  "resp2": [\n${steps(t.resp2)}\n  ],\n  "resp3": [\n${steps(t.resp3)}\n  ]\n}\n`);
    }
  });
  afterAll(async () => {
    await real?.close();
  });

  it('gives the same replies as the real server, error texts included, in RESP2 and RESP3', async () => {
    const fake = await startRespFake({ version });
    try {
      expectSame(await runScript(fake.url, 2, version), realReplies.resp2, 'RESP2');
      expectSame(await runScript(fake.url, 3, version), realReplies.resp3, 'RESP3');
    } finally {
      await fake.close();
    }
  });

  it('agrees with the committed transcript (same server version)', () => {
    const t = readTranscript();
    if (!t || t.redisServer !== version) return; // another version: the live comparison above is what counts
    expectSame(realReplies.resp2, t.resp2, 'transcript RESP2 (OVERBENCH_UPDATE_TRANSCRIPT=1 to rewrite)');
    expectSame(realReplies.resp3, t.resp3, 'transcript RESP3 (OVERBENCH_UPDATE_TRANSCRIPT=1 to rewrite)');
  });
});
