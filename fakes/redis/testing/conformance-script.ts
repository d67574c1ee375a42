/**
 * One command script, run as raw RESP against a real redis-server and against the RESP fake
 * (command-conformance.e2e.test.ts): every reply, error texts included, must be the same. It
 * covers every command in daemon-commands.json, their error replies (wrong type, wrong arity,
 * bad integers), unknown commands, and Lua scripting: EVAL's number of keys, NOSCRIPT, runtime
 * errors, redis.call errors, pcall, the Lua <-> RESP conversions, the read-only globals.
 * It runs once in RESP2 and once in RESP3 (after HELLO 3), each time on an emptied server.
 */
import { RawClient, type Reply } from '../raw-client.ts';

export interface Step {
  readonly cmd: readonly (string | number)[];
  /** The reply's order is the server's hash order: compare sorted. */
  readonly unordered?: boolean;
  /** Parts that differ by server and connection (client id, version, INFO's text). */
  readonly mask?: 'hello' | 'info';
  /** Only on servers this new (the fake implements it whatever version it claims). */
  readonly minVersion?: string;
}

/**
 * The daemon's token bucket, as in daemon/resilience/rate-limiter.ts (time passed in ARGV). A copy
 * on purpose: fakes/ imports nothing of daemon/, and the conformance script must not change when
 * the daemon does; daemon/redis-commands.e2e.test.ts runs the daemon's own script on the fake.
 */
const TOKEN_BUCKET = `
local now = tonumber(ARGV[1])
local tokens = {}
for i = 1, 3 do
  local cap = tonumber(ARGV[i * 2])
  local rate = tonumber(ARGV[i * 2 + 1])
  local b = redis.call('HMGET', KEYS[i], 't', 'at')
  local t = tonumber(b[1]) or cap
  local at = tonumber(b[2]) or now
  if now > at then t = math.min(cap, t + (now - at) / 1000 * rate) end
  tokens[i] = t
  if t < 1 then return i end
end
for i = 1, 3 do
  local cap = tonumber(ARGV[i * 2])
  local rate = tonumber(ARGV[i * 2 + 1])
  redis.call('HSET', KEYS[i], 't', tokens[i] - 1, 'at', now)
  redis.call('PEXPIRE', KEYS[i], math.ceil(cap / rate * 1000) + 1000)
end
return 0
`;
const BUCKET_KEYS = ['rl:g', 'rl:ip', 'rl:s'];
const bucket = (now: number, sessionCap = 3) => ['EVAL', TOKEN_BUCKET, 3, ...BUCKET_KEYS, now, 1000, 100, 100, 10, sessionCap, 0.5];

const evalStep = (body: string, ...rest: (string | number)[]): Step => ({ cmd: ['EVAL', body, 0, ...rest] });
const evalWith = (body: string, numkeys: number | string, ...rest: (string | number)[]): Step => ({ cmd: ['EVAL', body, numkeys, ...rest] });

/** Replaced by the pass's protocol version (2 or 3). */
const PROTO = '{proto}';

const LOADED = "return 'loaded'";
const LOADED_SHA = 'c9eee7bba0fe6ed41b7ba5cfbc8e8c1c27c8a0b8';

export const STEPS: readonly Step[] = [
  // --- connection
  { cmd: ['PING'] },
  { cmd: ['PING', 'hello there'] },
  { cmd: ['PING', 'a', 'b'] },
  // HELLO with the protocol of the pass (a switch would change the rest of the pass)
  { cmd: ['HELLO', PROTO], mask: 'hello' },
  { cmd: ['HELLO'], mask: 'hello' },
  { cmd: ['HELLO', '4'] },
  { cmd: ['HELLO', 'x'] },
  { cmd: ['HELLO', '2', 'bogus'] },
  { cmd: ['INFO'], mask: 'info' },
  { cmd: ['INFO', 'server'], mask: 'info' },
  { cmd: ['CLIENT', 'SETINFO', 'lib-name', 'overbench'], minVersion: '7.2.0' },
  { cmd: ['CLIENT', 'SETINFO', 'lib-ver', '1.0'], minVersion: '7.2.0' },
  { cmd: ['CLIENT', 'SETINFO', 'bogus', '1'], minVersion: '7.2.0' },
  { cmd: ['CLIENT', 'SETINFO', 'lib-name', 'with space'], minVersion: '7.2.0' },
  { cmd: ['CLIENT', 'SETINFO', 'lib-name'], minVersion: '7.2.0' },
  { cmd: ['CLIENT', 'SETNAME', 'conformance'] },
  { cmd: ['CLIENT', 'NOSUCH'] },
  { cmd: ['SELECT', '16'] },
  { cmd: ['SELECT', 'x'] },
  { cmd: ['SELECT', '1'] },
  { cmd: ['SET', 'in-db-1', 'v'] },
  { cmd: ['SELECT', '0'] },
  { cmd: ['GET', 'in-db-1'] },
  { cmd: ['NOSUCHCOMMAND', 'a', 'b'] },
  { cmd: ['nosuchcommand'] },

  // --- strings
  { cmd: ['GET', 'missing'] },
  { cmd: ['SET', 's', 'v'] },
  { cmd: ['GET', 's'] },
  { cmd: ['SET', 's', 'w', 'NX'] },
  { cmd: ['SET', 's', 'w', 'XX'] },
  { cmd: ['SET', 'nx-new', 'v', 'NX'] },
  { cmd: ['SET', 'xx-missing', 'v', 'XX'] },
  { cmd: ['SET', 'cache', 'text', 'EX', 300] },
  { cmd: ['TTL', 'cache'] },
  { cmd: ['SET', 's', 'v', 'EX', 0] },
  { cmd: ['SET', 's', 'v', 'EX', 'x'] },
  { cmd: ['SET', 's', 'v', 'NX', 'XX'] },
  { cmd: ['SET', 's', 'v', 'BOGUS'] },
  { cmd: ['SET', 's'] },
  { cmd: ['GET'] },
  { cmd: ['GET', 'a', 'b'] },
  { cmd: ['SET', 'bin', '\x00\xff\r\n\x80'] },
  { cmd: ['GET', 'bin'] },

  // --- keys
  { cmd: ['EXISTS', 's', 'missing', 's'] },
  { cmd: ['EXPIRE', 's', 100] },
  { cmd: ['TTL', 's'] },
  { cmd: ['EXPIRE', 's', 200, 'NX'] },
  { cmd: ['EXPIRE', 's', 200, 'XX'] },
  { cmd: ['EXPIRE', 's', 50, 'GT'] },
  { cmd: ['EXPIRE', 's', 50, 'LT'] },
  { cmd: ['EXPIRE', 's', 50, 'NX', 'XX'] },
  { cmd: ['EXPIRE', 's', 50, 'GT', 'LT'] },
  { cmd: ['EXPIRE', 's', 50, 'BOGUS'] },
  { cmd: ['EXPIRE', 's', 'x'] },
  { cmd: ['EXPIRE', 'missing', 10] },
  { cmd: ['EXPIRE', 's'] },
  { cmd: ['PEXPIRE', 's', 100000] },
  { cmd: ['TTL', 's'] },
  { cmd: ['PEXPIRE', 's', '9223372036854775807'] },
  { cmd: ['PEXPIRE', 'missing', 10] },
  { cmd: ['TTL', 'missing'] },
  { cmd: ['TTL', 'nx-new'] },
  { cmd: ['KEYS', '*'], unordered: true },
  { cmd: ['KEYS', 'n?-*'], unordered: true },
  { cmd: ['KEYS', '[a-c]*'], unordered: true },
  { cmd: ['KEYS', '[^s]*'], unordered: true },
  { cmd: ['KEYS', 'nomatch*'] },
  { cmd: ['KEYS'] },
  { cmd: ['DEL', 'nx-new', 'missing', 'nx-new'] },
  { cmd: ['DEL'] },
  { cmd: ['PEXPIRE', 'cache', -1] },
  { cmd: ['EXISTS', 'cache'] },

  // --- hashes
  { cmd: ['HSET', 'h', 'created', '1', 'n', '5'] },
  { cmd: ['HSET', 'h', 'n', '6', 'new', 'x'] },
  { cmd: ['HSET', 'h', 'odd'] },
  { cmd: ['HSETNX', 'h', 'created', '2'] },
  { cmd: ['HSETNX', 'h', 'other', '2'] },
  { cmd: ['HSETNX', 'fresh-hash', 'f', '1'] },
  { cmd: ['HSETNX', 'h', 'f'] },
  { cmd: ['HGET', 'h', 'created'] },
  { cmd: ['HGET', 'h', 'nofield'] },
  { cmd: ['HGET', 'missing', 'f'] },
  { cmd: ['HMGET', 'h', 'created', 'nofield', 'n'] },
  { cmd: ['HMGET', 'missing', 'a', 'b'] },
  { cmd: ['HMGET', 'h'] },
  { cmd: ['HEXISTS', 'h', 'created'] },
  { cmd: ['HEXISTS', 'h', 'nofield'] },
  { cmd: ['HEXISTS', 'missing', 'f'] },
  { cmd: ['HINCRBY', 'h', 'n', 10] },
  { cmd: ['HINCRBY', 'h', 'fresh', -3] },
  { cmd: ['HINCRBY', 'h', 'new', 1] },
  { cmd: ['HINCRBY', 'h', 'n', 'x'] },
  { cmd: ['HINCRBY', 'h', 'n', '9223372036854775807'] },
  { cmd: ['HINCRBY', 'h', 'n'] },
  { cmd: ['HGETALL', 'h'] },
  { cmd: ['HGETALL', 'missing'] },
  { cmd: ['HGETALL'] },
  { cmd: ['HSET', 's2', 'f', 'v'] },

  // --- wrong types
  { cmd: ['SET', 'str', 'v'] },
  { cmd: ['RPUSH', 'lst', 'a'] },
  { cmd: ['HGET', 'str', 'f'] },
  { cmd: ['HSET', 'str', 'f', 'v'] },
  { cmd: ['HSETNX', 'str', 'f', 'v'] },
  { cmd: ['HMGET', 'str', 'f'] },
  { cmd: ['HEXISTS', 'str', 'f'] },
  { cmd: ['HINCRBY', 'str', 'f', 1] },
  { cmd: ['HGETALL', 'lst'] },
  { cmd: ['GET', 'h'] },
  { cmd: ['GET', 'lst'] },
  { cmd: ['RPUSH', 'h', 'a'] },
  { cmd: ['LRANGE', 'str', 0, -1] },
  { cmd: ['LTRIM', 'h', 0, 1] },
  { cmd: ['LLEN', 'str'] },
  { cmd: ['HSET', 'lst', 'f', 'v'] },

  // --- lists
  { cmd: ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'] },
  { cmd: ['RPUSH', 'l'] },
  { cmd: ['LRANGE', 'l', 0, -1] },
  { cmd: ['LRANGE', 'l', -2, -1] },
  { cmd: ['LRANGE', 'l', -100, 100] },
  { cmd: ['LRANGE', 'l', 3, 1] },
  { cmd: ['LRANGE', 'l', 10, 20] },
  { cmd: ['LRANGE', 'l', 'x', 1] },
  { cmd: ['LRANGE', 'missing', 0, -1] },
  { cmd: ['LRANGE', 'l', 0] },
  { cmd: ['LTRIM', 'l', -3, -1] },
  { cmd: ['LRANGE', 'l', 0, -1] },
  { cmd: ['LLEN', 'l'] },
  { cmd: ['LTRIM', 'l', 1, 0] },
  { cmd: ['EXISTS', 'l'] },
  { cmd: ['LTRIM', 'missing', 0, 1] },
  { cmd: ['LTRIM', 'l', 0, 'x'] },
  { cmd: ['LTRIM', 'l', 0] },
  { cmd: ['LLEN', 'missing'] },
  { cmd: ['LLEN'] },
  { cmd: ['LPUSH', 'l2', 'x', 'y'] },
  { cmd: ['RPUSH', 'l2', 'z'] },
  { cmd: ['LRANGE', 'l2', 0, -1] },
  { cmd: ['LPOP', 'l2'] },
  { cmd: ['RPOP', 'l2', 5] },
  { cmd: ['LPOP', 'l2'] },
  { cmd: ['LPOP', 'missing', 2] },
  { cmd: ['LPOP', 'lst', -1] },
  // the daemon's pending queue: push, cap, TTL; then drain
  { cmd: ['MULTI'] },
  { cmd: ['RPUSH', 'pending', 'f1'] },
  { cmd: ['LTRIM', 'pending', -2, -1] },
  { cmd: ['EXPIRE', 'pending', 600] },
  { cmd: ['EXEC'] },
  { cmd: ['MULTI'] },
  { cmd: ['RPUSH', 'pending', 'f2', 'f3'] },
  { cmd: ['LTRIM', 'pending', -2, -1] },
  { cmd: ['EXPIRE', 'pending', 600] },
  { cmd: ['EXEC'] },
  { cmd: ['MULTI'] },
  { cmd: ['LRANGE', 'pending', 0, -1] },
  { cmd: ['DEL', 'pending'] },
  { cmd: ['EXEC'] },

  // --- transactions
  { cmd: ['EXEC'] },
  { cmd: ['DISCARD'] },
  { cmd: ['MULTI'] },
  { cmd: ['MULTI'] },
  { cmd: ['HSETNX', 'sess', 'created_at', '1'] },
  { cmd: ['HSET', 'sess', 'last_seen', '2'] },
  { cmd: ['HINCRBY', 'sess', 'connections', 1] },
  { cmd: ['EXPIRE', 'sess', 3600] },
  { cmd: ['INCR', 'str'] },
  { cmd: ['EXEC'] },
  { cmd: ['MULTI'] },
  { cmd: ['GET', 's'] },
  { cmd: ['GET'] },
  { cmd: ['NOSUCH'] },
  { cmd: ['EXEC'] },
  { cmd: ['MULTI'] },
  { cmd: ['SET', 'discarded', '1'] },
  { cmd: ['DISCARD'] },
  { cmd: ['EXISTS', 'discarded'] },

  // --- scripting: EVAL's arguments
  evalWith('return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}', 2, 'k1', 'k2', 'a1', 'a2'),
  evalWith('return #KEYS + #ARGV', 0),
  evalWith('return 1', -1),
  evalWith('return 1', 2, 'only-one'),
  evalWith('return 1', 'x'),
  { cmd: ['EVAL', 'return 1'] },
  { cmd: ['EVAL'] },
  // the daemon's token bucket: allowed, allowed, then the session bucket runs out
  { cmd: bucket(1_700_000_000_000) },
  { cmd: bucket(1_700_000_000_100) },
  { cmd: bucket(1_700_000_000_200) },
  { cmd: bucket(1_700_000_000_300) },
  { cmd: ['HGETALL', 'rl:s'] },
  { cmd: ['HMGET', 'rl:ip', 't', 'at'] },
  { cmd: ['TTL', 'rl:g'] },
  // --- scripting: Lua -> RESP
  evalStep('return 3.99'),
  evalStep('return -3.99'),
  evalStep('return 1e300'),
  evalStep('return -(2^63)'),
  evalStep('return 2^62'),
  evalStep('return 0/0'),
  evalStep('return true'),
  evalStep('return false'),
  evalStep('return nil'),
  evalStep('return'),
  evalStep('return "str"'),
  evalStep('return "\\0\\255bin"'),
  evalStep('return {1, 2, nil, 3}'),
  evalStep('return {1, "a", {2, {3}}, true, false}'),
  evalStep('return {}'),
  evalStep('return {ok="fine"}'),
  evalStep('return {ok="a\\r\\nb"}'),
  evalStep('return {err="MY error"}'),
  evalStep('return {err="a\\r\\nb"}'),
  evalStep('return {err=1}'),
  evalStep('return {double=1.5}'),
  evalStep('return {double=1/3}'),
  evalStep('return {double=1/0}'),
  evalStep('return {big_number="123456789012345678901234567890"}'),
  evalStep('return {map={only={1, 2}}}'),
  evalStep('return {set={only=true}}'),
  evalStep('return {verbatim_string={format="txt", string="hello"}}'),
  evalStep('return redis.status_reply("FINE")'),
  evalStep('return redis.status_reply()'),
  evalStep('return redis.error_reply("MY err")'),
  evalStep('return redis.error_reply("plain")'),
  evalStep('return redis.error_reply("-X Y\\r\\n")'),
  evalStep('return redis.error_reply(1)'),
  evalStep('return function() end'),
  // --- scripting: RESP -> Lua
  evalStep('return redis.call("GET", "s")'),
  evalStep('return redis.call("GET", "missing") == false'),
  evalStep('return type(redis.call("SET", "via-lua", "v"))'),
  evalStep('return redis.call("SET", "via-lua", "v").ok'),
  evalStep('return redis.call("PING")'),
  evalStep('return redis.call("HGETALL", "h")'),
  evalStep('return redis.call("HGETALL", "missing")'),
  evalStep('return redis.call("HMGET", "h", "created", "nofield")'),
  evalStep('local r = redis.call("HMGET", "h", "created", "nofield") return {type(r[1]), type(r[2])}'),
  evalStep('return redis.call("EXISTS", "s") + 1'),
  evalStep('return redis.call("LRANGE", "l2", 0, -1)'),
  evalStep('return redis.call("LPOP", "missing", 2) == false'),
  evalStep('redis.setresp(3) return redis.call("GET", "missing") == nil'),
  evalStep('redis.setresp(3) local m = redis.call("HGETALL", "h") return {type(m.map), m.map.created}'),
  // a map built from a Lua table comes out in the table's order, which is Lua's own
  { ...evalStep('redis.setresp(3) return redis.call("HGETALL", "h")'), unordered: true },
  evalStep('return redis.setresp(3)'),
  evalStep('redis.setresp(4)'),
  evalStep('redis.setresp()'),
  // numbers passed to redis.call: %.17g
  evalStep('redis.call("SET", "num", 0.1) return redis.call("GET", "num")'),
  evalStep('redis.call("SET", "num", 1/3) return redis.call("GET", "num")'),
  evalStep('redis.call("SET", "num", 2^53) return redis.call("GET", "num")'),
  evalStep('redis.call("SET", "num", 1e20) return redis.call("GET", "num")'),
  evalStep('redis.call("SET", "num", -0.0) return redis.call("GET", "num")'),
  evalStep('redis.call("SET", "num", 1796037285940) return redis.call("GET", "num")'),
  evalStep('return redis.call("SET", "num", true)'),
  // Lua 5.1 numbers and strings
  evalStep('return tostring(1e15) .. " " .. tostring(3.0) .. " " .. tostring(0.1) .. " " .. tostring(2^53 + 1)'),
  evalStep('return tostring(1/0) .. " " .. tostring(-1/0)'),
  evalStep('return tostring(2147483647 + 1) .. " " .. tostring(100000 * 100000)'),
  evalStep('return math.floor(60000) * math.floor(60000)'),
  evalStep('return 3 .. "" .. 1e15'),
  evalStep('return string.format("%d %5.2f %s %x", 3.7, 1.2345, "s", 255)'),
  evalStep('return string.format("%d", 1796037285940)'),
  evalStep('return string.rep("x", 3, ",")'),
  evalStep('return tonumber("0x10") + tonumber(" 12 ") + tonumber("1e2")'),
  evalStep('return {tonumber("abc"), 1}'),
  evalStep('return {unpack({1, 2, 3})}'),
  evalStep('return table.getn({1, 2}) + math.mod(7, 3) + #"abc"'),
  evalStep('return loadstring("return 5")()'),
  evalStep('return load("return 6")()'),
  evalStep('return bit.band(5, 3) + bit.bor(4, 1) + bit.bxor(7, 2) + bit.lshift(1, 4)'),
  evalStep('return bit.tohex(255) .. bit.tohex(-1, -4) .. bit.tobit(2^32 + 5)'),
  evalStep('return _VERSION'),
  evalStep('return redis.REDIS_VERSION == redis.call("INFO", "server"):match("redis_version:([%d.]+)")'),
  evalStep('return {math.random(1000), math.random(1000), math.random(5, 9)}'),
  evalStep('math.randomseed(7) return {math.random(1000), math.floor(math.random() * 1000)}'),
  evalStep('return redis.sha1hex("") .. " " .. redis.sha1hex("abc")'),
  evalStep('return redis.sha1hex()'),
  evalStep('return coroutine.wrap(function() coroutine.yield(7) end)()'),
  evalStep('return {pcall(error, "zz")}'),
  evalStep('local ok, e = pcall(error, {err="tbl"}) return {tostring(ok), type(e), e}'),
  evalStep('local a, b = pcall(redis.call, "INCR", "s") return {tostring(a), b}'),
  evalStep('local a, b = pcall(redis.call, "INCR", "ctr-pcall") return {tostring(a), b}'),
  evalStep('local a, b = pcall(function() local t = nil; return t.x end) return {tostring(a), b}'),
  evalStep('local a, b = pcall(function() return 1, 2 end) return {tostring(a), b}'),
  evalStep('return xpcall(function() error("e") end, function(m) return "handled: " .. m end)'),
  evalStep('local ok, e = pcall(function() return nil + 1 end) return e'),
  // --- scripting: the environment
  evalStep('return type(os) '),
  evalStep('return x'),
  evalStep('x = 1'),
  evalStep('KEYS = 1'),
  evalStep('string.x = 1'),
  evalStep('redis.call = nil'),
  evalStep('rawset(_G, "x", 1)'),
  evalStep('setmetatable(_G, {})'),
  evalStep('return _G == _G._G'),
  evalStep('return getmetatable("").__index == string'),
  evalStep('return type(print)'),
  evalStep('return type(dofile)'),
  evalStep('return {type(loadstring), type(unpack), type(gcinfo), type(math.pow), type(string.gfind)}'),
  evalStep('local t = {} for k in pairs(redis) do t[#t + 1] = k end table.sort(t) return t'),
  evalStep('return redis.LOG_WARNING + redis.REPL_ALL'),
  evalStep('return redis.log(redis.LOG_WARNING, "from a conformance test")'),
  evalStep('redis.log()'),
  evalStep('redis.log("x", "y")'),
  evalStep('return redis.replicate_commands()'),
  evalStep('return redis.set_repl(redis.REPL_ALL)'),
  evalStep('redis.set_repl()'),
  evalStep('return redis.breakpoint()'),
  evalStep('return redis.acl_check_cmd("get", "x")'),
  evalStep('return redis.acl_check_cmd("nosuch")'),
  // --- scripting: errors
  evalStep('return redis.call("INCR", "s")'),
  evalStep('\n\nreturn redis.call("HSET", "s", "f", "v")'),
  evalStep('return redis.call("NOSUCH")'),
  evalStep('return redis.call("GET")'),
  evalStep('return redis.call()'),
  evalStep('return redis.call(1)'),
  evalStep('return redis.call("GET", {})'),
  evalStep('return redis.call("EVAL", "return 1", 0)'),
  evalStep('return redis.call("MULTI")'),
  evalStep('return redis.call("EXEC")'),
  evalStep('return redis.call("HELLO")'),
  evalStep('return redis.call("QUIT")'),
  evalStep('return redis.call("CLIENT", "SETNAME", "x")'),
  evalStep('return redis.call("CLIENT", "NOSUCH")'),
  evalStep('return redis.call("SCRIPT", "LOAD", "return 1")'),
  evalStep('return redis.pcall("INCR", "s")'),
  evalStep('return redis.pcall("NOSUCH")'),
  evalStep('return type(redis.pcall("NOSUCH"))'),
  evalStep('local t = redis.pcall("INCR", "s") return t.err'),
  evalStep('return redis.pcall("GET", "a", "b")'),
  evalStep('return redis.pcall("SET", "k", true)'),
  evalStep('error("boom")'),
  evalStep('error("a\\nb")'),
  evalStep('error({err="MY custom"})'),
  evalStep('error(123)'),
  evalStep('error()'),
  evalStep('error("no position", 0)'),
  evalStep('return nil + 1'),
  evalStep('local t; return t.x'),
  evalStep('local t; return t + 1'),
  evalStep('local s = "a" .. {}'),
  evalStep('local function f() error("inner") end\nf()'),
  evalStep('return ('),
  evalStep('x ='),
  evalStep('return 1 +'),
  evalStep('for'),
  evalStep('redis.call("SELECT", 1) redis.call("SET", "selected-in-script", "1") return redis.call("GET", "selected-in-script")'),
  { cmd: ['EXISTS', 'selected-in-script'] },
  { cmd: ['MULTI'] },
  evalStep('return redis.call("INCR", "ctr")'),
  evalStep('return redis.call("INCR", "s")'),
  { cmd: ['EXEC'] },
  // --- EVALSHA and SCRIPT
  { cmd: ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 0] },
  { cmd: ['EVALSHA', 'abc', 0] },
  { cmd: ['EVALSHA', 'abc', 'x'] },
  { cmd: ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 'x'] },
  { cmd: ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 2, 'k'] },
  { cmd: ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff'] },
  { cmd: ['SCRIPT', 'LOAD', LOADED] },
  { cmd: ['EVALSHA', LOADED_SHA, 0] },
  { cmd: ['EVALSHA', LOADED_SHA.toUpperCase(), 0] },
  { cmd: ['SCRIPT', 'EXISTS', LOADED_SHA, LOADED_SHA.toUpperCase(), 'nope'] },
  { cmd: ['EVAL', 'return "cached by eval"', 0] },
  { cmd: ['EVALSHA', '5aa0f6f5c4e8a3c2f2b7ffc4ea5a0b1b7d1e2f3a', 0] },
  { cmd: ['SCRIPT', 'LOAD', 'return ('] },
  { cmd: ['SCRIPT', 'LOAD'] },
  { cmd: ['SCRIPT', 'FLUSH', 'bogus'] },
  { cmd: ['SCRIPT', 'FLUSH', 'ASYNC', 'x'] },
  { cmd: ['SCRIPT', 'KILL'] },
  { cmd: ['SCRIPT', 'NOSUCH'] },
  { cmd: ['SCRIPT'] },
  { cmd: ['SCRIPT', 'FLUSH'] },
  { cmd: ['SCRIPT', 'EXISTS', LOADED_SHA] },
  { cmd: ['EVALSHA', LOADED_SHA, 0] },
  { cmd: ['SCRIPT', 'FLUSH', 'SYNC'] },

  // --- server
  { cmd: ['FLUSHALL', 'bogus'] },
  { cmd: ['FLUSHALL', 'SYNC', 'x'] },
  { cmd: ['FLUSHALL'] },
  { cmd: ['KEYS', '*'] },
  { cmd: ['QUIT'] },
];

function versionLess(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0);
  return false;
}

const MASKED: Reply = { t: '+', v: '(masked)' };
const sortKey = (r: Reply) => JSON.stringify(r);

function normalise(step: Step, r: Reply): Reply {
  if (step.unordered && r.t === '*' && r.v) return { t: '*', v: [...r.v].sort((a, b) => sortKey(a).localeCompare(sortKey(b))) };
  if (step.unordered && r.t === '%') return { t: '%', v: [...r.v].sort((a, b) => sortKey(a[0]).localeCompare(sortKey(b[0]))) };
  if (step.mask === 'info') {
    const text = r.t === '$' || r.t === '=' ? r.v ?? '' : '';
    return /redis_version:/.test(text) ? { t: r.t, v: '(info text)' } as Reply : r;
  }
  if (step.mask === 'hello') {
    const masked = new Set(['id', 'version']);
    if (r.t === '%') return { t: '%', v: r.v.map(([k, v]) => [k, k.t === '$' && masked.has(k.v ?? '') ? MASKED : v]) };
    if (r.t === '*' && r.v) {
      return { t: '*', v: r.v.map((v, i) => (i % 2 === 1 && r.v![i - 1].t === '$' && masked.has((r.v![i - 1] as { v: string }).v) ? MASKED : v)) };
    }
  }
  return r;
}

export interface ScriptReply {
  readonly cmd: string;
  readonly reply: Reply | { t: 'skipped' };
}

/** Run the whole script on one connection, after emptying the server; `proto` 3 starts with HELLO 3. */
export async function runScript(url: string, proto: 2 | 3, serverVersion: string): Promise<ScriptReply[]> {
  const c = await RawClient.connect(url);
  try {
    if (proto === 3) await c.call(['HELLO', '3']);
    await c.call(['FLUSHALL']);
    await c.call(['SCRIPT', 'FLUSH']);
    const out: ScriptReply[] = [];
    for (const step of STEPS) {
      const cmd = step.cmd.map(String).join(' ').replace(/\s+/g, ' ').slice(0, 100);
      if (step.minVersion && versionLess(serverVersion, step.minVersion)) {
        out.push({ cmd, reply: { t: 'skipped' } });
        continue;
      }
      const args = step.cmd.map((a) => (a === PROTO ? String(proto) : a));
      out.push({ cmd, reply: normalise(step, await c.call(args)) });
    }
    return out;
  } finally {
    c.close();
  }
}
