/**
 * docker-compose.bench.yml, checked where no Docker engine runs: against the Compose
 * Specification's own JSON schema (shipped in the `docker-compose` package, which testcontainers
 * depends on), and against the code that reads each value: the daemon's configuration
 * (daemon/config.ts), the provider fake, the Supabase tables, PostgREST's roles and key, the ports
 * `--world compose` expects (compose-world.ts). compose-provider.e2e.test.ts runs the provider
 * service's own command.
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseLatency } from '../../common/latency.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { parseConfig } from '../../daemon/config.ts';
import { tableDdl } from '../../fakes/supabase/ddl.ts';
import { TABLES } from '../../fakes/supabase/tables.ts';
import { COMPOSE_ANON_KEY, COMPOSE_PORTS } from './compose-world.ts';
import { worldEnv } from './reference-daemon.ts';

const file = (p: string) => path.join(REPO_ROOT, p);
const text = readFileSync(file('docker-compose.bench.yml'), 'utf8');

type Service = {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, unknown> | string[];
  healthcheck?: { test: string[] };
};
const doc = parse(text, { merge: true }) as { services: Record<string, Service> };
const svc = (name: string) => doc.services[name];

/** `${NAME:-default}` as compose interpolates it with NAME unset. */
const interpolate = (v: string) => v.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const envOf = (name: string) => Object.fromEntries(Object.entries(svc(name).environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
/** "HOST:CONTAINER" -> { host, container }. */
const portsOf = (name: string) => (svc(name).ports ?? []).map((p) => p.split(':').map(Number)).map(([host, container]) => ({ host, container }));

/** Every variable name parseConfig reads, found by reading an env through a recording proxy. */
function variablesTheDaemonReads(): Set<string> {
  const read = new Set<string>();
  parseConfig(new Proxy({} as Record<string, string | undefined>, { get: (_, k) => (typeof k === 'string' && read.add(k), undefined) }));
  return read;
}

describe('docker-compose.bench.yml', () => {
  it('is a valid Compose file (the Compose Specification schema)', () => {
    const specFile = createRequire(import.meta.url).resolve('docker-compose/schema/compose-spec.json');
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as Record<string, unknown>;
    delete spec.$schema;
    const schema = z.fromJSONSchema(spec as Parameters<typeof z.fromJSONSchema>[0], { defaultTarget: 'draft-7' });
    const result = schema.safeParse(parse(text, { merge: true }));
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    // The schema can fail: a misspelt key or a wrong type is rejected.
    const broken = parse(text, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    broken.services.redis.imag = 'redis';
    expect(schema.safeParse(broken).success).toBe(false);
  });

  it('has the services of the issue, on the images it names, every dependency defined', () => {
    expect(Object.keys(doc.services).sort()).toEqual(['daemon-baseline', 'daemon-instrumented', 'db', 'k6', 'provider', 'redis', 'rest', 'supabase']);
    expect(svc('redis').image).toBe('redis:7-alpine');
    expect(svc('db').image).toBe('postgres:15');
    expect(svc('rest').image).toMatch(/^postgrest\/postgrest:v12\./);
    expect(svc('k6').image).toMatch(/^grafana\/k6(:|$)/);
    expect(svc('k6').profiles).toEqual(['k6']);
    for (const name of ['daemon-baseline', 'daemon-instrumented', 'provider']) expect(svc(name).build, name).toBe('.');
    for (const [name, s] of Object.entries(doc.services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(doc.services, `${name} depends on ${d}`).toHaveProperty(d);
    }
  });

  it('publishes the ports --world compose and the README use', () => {
    expect(portsOf('redis')).toEqual([{ host: COMPOSE_PORTS.redis, container: 6379 }]);
    expect(portsOf('supabase')).toEqual([{ host: COMPOSE_PORTS.supabase, container: 8000 }]);
    expect(portsOf('provider')).toEqual([{ host: COMPOSE_PORTS.provider, container: Number(envOf('provider').PROVIDER_PORT) }]);
    for (const [name, p] of [['daemon-baseline', COMPOSE_PORTS.daemonBaseline], ['daemon-instrumented', COMPOSE_PORTS.daemonInstrumented]] as const) {
      const env = envOf(name);
      expect(portsOf(name), name).toEqual([
        { host: p.ws, container: Number(env.EXAI_WS_PORT) },
        { host: p.monitoring, container: Number(env.EXAI_MONITORING_PORT) },
      ]);
    }
  });

  it('gives each daemon only variables daemon/config.ts reads, all valid, pointing at the compose services', () => {
    const reads = variablesTheDaemonReads();
    expect(reads.has('METRICS_BACKEND') && reads.has('REDIS_URL')).toBe(true);
    // The provider paths the daemon is given are those the harness gives it (reference-daemon.ts).
    const expected = worldEnv({ provider: `http://provider:${envOf('provider').PROVIDER_PORT}`, supabase: 'http://supabase:8000', redis: 'redis://redis:6379', redisKind: 'real' });
    for (const [name, backend] of [['daemon-baseline', 'none'], ['daemon-instrumented', 'fast']] as const) {
      const env = envOf(name);
      expect(Object.keys(env).filter((k) => !reads.has(k)), name).toEqual([]);
      const cfg = parseConfig(env);
      expect(cfg.metricsBackend).toBe(backend);
      expect([cfg.host, cfg.monitoringHost]).toEqual(['0.0.0.0', '0.0.0.0']);
      expect(cfg.rateLimit).toBe(false);
      for (const k of ['REDIS_URL', 'SUPABASE_URL', 'GLM_API_URL', 'KIMI_API_URL'] as const) expect(env[k], `${name} ${k}`).toBe(expected[k]);
      expect(env.SUPABASE_KEY).toBe(COMPOSE_ANON_KEY);
      // Its healthcheck asks its own monitoring port.
      expect(svc(name).healthcheck?.test.join(' ')).toContain(`127.0.0.1:${cfg.monitoringPort}/health`);
    }
  });

  it('signs the anon key with PostgREST JWT secret, as role anon, a role the database creates', () => {
    const rest = envOf('rest');
    const secret = rest.PGRST_JWT_SECRET;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const [header, payload, signature] = COMPOSE_ANON_KEY.split('.');
    expect(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { role: string; exp: number };
    expect(claims.role).toBe(rest.PGRST_DB_ANON_ROLE);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    const roles = readFileSync(file('compose/postgres/00-roles.sql'), 'utf8');
    expect(roles).toContain(`CREATE ROLE ${rest.PGRST_DB_ANON_ROLE} NOLOGIN`);
    const uri = new URL(rest.PGRST_DB_URI);
    expect(roles).toContain(`CREATE ROLE ${uri.username} LOGIN NOINHERIT PASSWORD '${uri.password}'`);
    expect([uri.hostname, Number(uri.port), uri.pathname.slice(1)]).toEqual(['db', 5432, envOf('db').POSTGRES_DB]);
  });

  it('creates the Supabase fake tables (10-tables.sql is generated from fakes/supabase/tables.ts) and mounts the SQL', () => {
    const sqlFile = file('compose/postgres/10-tables.sql');
    const want = `-- Generated from fakes/supabase/tables.ts by harness/targets/compose-file.test.ts (OVERBENCH_UPDATE_COMPOSE_SQL=1); do not edit.\n${TABLES.map(tableDdl).join('\n\n')}\n`;
    if (process.env.OVERBENCH_UPDATE_COMPOSE_SQL === '1') writeFileSync(sqlFile, want);
    expect(existsSync(sqlFile) ? readFileSync(sqlFile, 'utf8') : '', 'stale: OVERBENCH_UPDATE_COMPOSE_SQL=1 npx vitest run harness/targets/compose-file.test.ts').toBe(want);
    expect(svc('db').volumes).toEqual(['./compose/postgres:/docker-entrypoint-initdb.d:ro']);
    expect(readFileSync(file('compose/postgres/20-grants.sql'), 'utf8')).toMatch(/GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO anon/);
  });

  it('serves PostgREST under /rest/v1 on the gateway port the daemons use', () => {
    const [mount] = svc('supabase').volumes ?? [];
    const conf = readFileSync(file(mount.split(':')[0]), 'utf8');
    expect(conf).toMatch(new RegExp(`listen ${portsOf('supabase')[0].container};`));
    // PostgREST's default port is 3000; the trailing slash strips the /rest/v1/ prefix.
    expect(conf).toMatch(/location \/rest\/v1\/ \{\s+proxy_pass http:\/\/rest:3000\/;/);
  });

  it('mounts the k6 scripts and points k6 at a daemon service', () => {
    expect(svc('k6').volumes).toEqual(['./k6:/scripts']);
    expect(existsSync(file('k6/scenarios'))).toBe(true);
    expect(envOf('k6').EXAI_URL).toBe(`ws://daemon-baseline:${envOf('daemon-baseline').EXAI_WS_PORT}`);
  });

  it('builds the image the daemons run from a Dockerfile whose command exists', () => {
    const dockerfile = readFileSync(file('Dockerfile'), 'utf8');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
    expect(existsSync(file(cmd[3]))).toBe(true);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(readFileSync(file('.dockerignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['node_modules', 'reports', '.git']));
  });
});
