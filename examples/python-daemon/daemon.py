#!/usr/bin/env python3
"""A small EXAI-protocol daemon in Python, for overbench's "Drive your own daemon" walk-through.

It behaves like the public EXAI daemon where that matters to a load test, defects included:

- hello (token checked when EXAI_WS_TOKEN is set), ping, list_tools, call_tool;
- `chat` calls an OpenAI-compatible provider: POST {GLM_API_URL}/chat/completions
  (GLM_API_URL defaults to $OVERBENCH_PROVIDER_URL/api/paas/v4, the world overbench starts);
- a failed tool is reported in-band: a normal call_tool_res whose output text is
  {"status": "error", "content": "Error: ..."} (every EXAI_TOOL_FAIL_EVERY-th chat, and whenever
  the provider fails);
- an unknown tool is answered with an error that names no request:
  {"error": {"code": "TOOL_NOT_FOUND", "message": "Tool not found: X"}};
- a per-session rate limit (EXAI_SESSION_RATE messages/s, burst 10x; 0 = off) refuses with an
  id-less {"op": "error", "error": {"code": "OVER_CAPACITY", ...}};
- a health port of its own (--health-port, default 8082, a fixed port as real daemons have):
  GET /health, and GET /metrics in Prometheus text when EXAI_METRICS=prometheus (the metrics
  switch; off by default, then /metrics is 404 and nothing is counted).

Only the standard library and `websockets` (Debian: python3-websockets).
"""

import argparse
import asyncio
import itertools
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

import websockets


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"python-daemon: {name} must be an integer, got {os.environ.get(name)!r}")


class Metrics:
    """The metrics switch: with EXAI_METRICS=prometheus every WebSocket message is counted."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.received = 0
        self.sent = 0

    def prometheus_text(self):
        return (
            "# HELP exai_ws_messages_total WebSocket messages, by direction.\n"
            "# TYPE exai_ws_messages_total counter\n"
            f'exai_ws_messages_total{{direction="received"}} {self.received}\n'
            f'exai_ws_messages_total{{direction="sent"}} {self.sent}\n'
        )


class TokenBucket:
    def __init__(self, rate):
        self.rate = rate
        self.capacity = rate * 10
        self.tokens = self.capacity
        self.at = time.monotonic()

    def take(self):
        if self.rate <= 0:
            return True
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Daemon:
    def __init__(self, metrics):
        self.metrics = metrics
        self.token = os.environ.get("EXAI_WS_TOKEN") or None
        self.session_rate = env_int("EXAI_SESSION_RATE", 5)
        self.fail_every = env_int("EXAI_TOOL_FAIL_EVERY", 0)
        world = os.environ.get("OVERBENCH_PROVIDER_URL")
        default_base = f"{world}/api/paas/v4" if world else "https://api.z.ai/api/paas/v4"
        self.provider_base = os.environ.get("GLM_API_URL", default_base).rstrip("/")
        self.provider_key = os.environ.get("GLM_API_KEY", "unused")
        self.model = os.environ.get("GLM_MODEL", "glm-4.5-flash")
        self.chats = itertools.count(1)
        self.connections = 0
        self.started = time.time()

    async def send(self, ws, frame):
        if self.metrics.enabled:
            self.metrics.sent += 1  # counted before the send: the harness reads it after the reply arrives
        await ws.send(json.dumps(frame))

    async def handler(self, ws, path=None):  # websockets < 11 passes the path; newer versions do not
        self.connections += 1
        try:
            await self.session(ws)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.connections -= 1

    async def session(self, ws):
        try:
            first = await asyncio.wait_for(ws.recv(), timeout=15)
        except asyncio.TimeoutError:
            await ws.close(4002, "hello timeout")
            return
        self.count_received()
        try:
            hello = json.loads(first)
        except ValueError:
            await ws.close(4000, "invalid json")
            return
        if not isinstance(hello, dict) or hello.get("op") != "hello":
            await self.send(ws, {"op": "hello_ack", "ok": False, "error": "missing_hello"})
            await ws.close(4001, "missing hello")
            return
        if self.token is not None and hello.get("token") != self.token:
            await self.send(ws, {"op": "hello_ack", "ok": False, "error": "unauthorized"})
            await ws.close(4003, "unauthorized")
            return
        session_id = hello.get("session_id") or os.urandom(8).hex()
        await self.send(ws, {"op": "hello_ack", "ok": True, "session_id": session_id})
        bucket = TokenBucket(self.session_rate)
        calls = set()
        async for raw in ws:
            self.count_received()
            if not bucket.take():
                # As the real daemon: the refusal names no request.
                await self.send(ws, {"op": "error", "error": {"code": "OVER_CAPACITY", "message": "Rate limit exceeded: session"}})
                continue
            try:
                msg = json.loads(raw)
                if not isinstance(msg, dict):
                    raise ValueError("not an object")
            except ValueError:
                await self.send(ws, {"op": "error", "error": {"code": "VALIDATION_ERROR", "message": "Invalid JSON: message could not be parsed"}})
                continue
            # Each call runs on its own, so a slow provider call does not hold up the next frame.
            task = asyncio.ensure_future(self.dispatch(ws, msg))
            calls.add(task)
            task.add_done_callback(calls.discard)

    def count_received(self):
        if self.metrics.enabled:
            self.metrics.received += 1

    async def dispatch(self, ws, msg):
        try:
            await self.route(ws, msg)
        except websockets.ConnectionClosed:
            pass  # the client went away mid-call: nobody to answer

    async def route(self, ws, msg):
        op = msg.get("op")
        req_id = msg.get("request_id")
        if op == "ping":
            await self.send(ws, {"op": "pong", "request_id": req_id, "timestamp": time.time()})
        elif op == "list_tools":
            tools = [{"name": n, "description": d, "inputSchema": {"type": "object"}} for n, d in (("chat", "ask the model"), ("status", "daemon status"))]
            await self.send(ws, {"op": "list_tools_res", "request_id": req_id, "tools": tools})
        elif op in ("call_tool", "tool_call"):
            name = msg.get("name") or (msg.get("tool") or {}).get("name")
            await self.call_tool(ws, req_id, name, msg.get("arguments") or {})
        else:
            await self.send(ws, {"error": {"code": "INVALID_REQUEST", "message": f"Unknown operation: {op}"}})

    async def call_tool(self, ws, req_id, name, args):
        if name == "status":
            text = json.dumps({"status": "success", "content": {"connections": self.connections, "uptime_s": round(time.time() - self.started, 1)}})
        elif name == "chat":
            text = await self.chat(str(args.get("prompt", "")))
            if json.loads(text)["status"] == "success":
                await self.send(ws, {"op": "stream_complete", "request_id": req_id, "timestamp": time.time()})
        else:
            # The real daemon's defect, kept on purpose: this error names no request.
            await self.send(ws, {"error": {"code": "TOOL_NOT_FOUND", "message": f"Tool not found: {name}"}})
            return
        await self.send(ws, {"op": "call_tool_res", "request_id": req_id, "outputs": [{"type": "text", "text": text}]})

    async def chat(self, prompt):
        n = next(self.chats)
        if self.fail_every > 0 and n % self.fail_every == 0:
            return json.dumps({"status": "error", "content": f"Error: simulated tool failure (chat call {n})"})
        loop = asyncio.get_running_loop()
        try:
            answer = await loop.run_in_executor(None, self.ask_provider, prompt)
        except (urllib.error.URLError, OSError, ValueError, KeyError) as e:
            return json.dumps({"status": "error", "content": f"Error: provider call failed: {e}"})
        return json.dumps({"status": "success", "content": answer})

    def ask_provider(self, prompt):
        body = json.dumps({"model": self.model, "messages": [{"role": "user", "content": prompt}]}).encode()
        req = urllib.request.Request(
            f"{self.provider_base}/chat/completions",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.provider_key}"},
        )
        with urllib.request.urlopen(req, timeout=60) as res:
            return json.loads(res.read())["choices"][0]["message"]["content"]


async def serve_http(metrics, daemon, reader, writer):
    """GET /health, and GET /metrics when the metrics switch is on: enough HTTP for a probe."""
    try:
        request = await reader.readline()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        parts = request.decode("latin-1").split()
        path = parts[1] if len(parts) > 1 else "/"
        if path == "/health":
            status, ctype, body = "200 OK", "application/json", json.dumps({"status": "healthy", "service": "python-exai-daemon", "timestamp": time.time()})
        elif path == "/metrics" and metrics.enabled:
            status, ctype, body = "200 OK", "text/plain; version=0.0.4", metrics.prometheus_text()
        else:
            status, ctype, body = "404 Not Found", "text/plain", "not found\n"
        data = body.encode()
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
        await writer.drain()
    finally:
        writer.close()


async def watch_parent(stop):
    """Exit when the process that started us is gone (we were re-parented): leave nothing behind."""
    parent = os.getppid()
    while not stop.done():
        await asyncio.sleep(1)
        if os.getppid() != parent:
            stop.set_result("parent gone")


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=env_int("EXAI_WS_PORT", 8079))
    parser.add_argument("--health-port", type=int, default=env_int("EXAI_HEALTH_PORT", 8082))
    parser.add_argument("--host", default=os.environ.get("EXAI_WS_HOST", "127.0.0.1"))
    opts = parser.parse_args()
    switch = os.environ.get("EXAI_METRICS", "off")
    if switch not in ("prometheus", "off"):
        sys.exit(f"python-daemon: EXAI_METRICS must be prometheus or off, got {switch!r}")
    metrics = Metrics(switch == "prometheus")
    daemon = Daemon(metrics)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda s=sig: stop.done() or stop.set_result(s.name))
    health = await asyncio.start_server(lambda r, w: serve_http(metrics, daemon, r, w), opts.host, opts.health_port)
    async with websockets.serve(daemon.handler, opts.host, opts.port, max_size=32 * 1024 * 1024):
        print(json.dumps({"event": "ready", "wsPort": opts.port, "healthPort": opts.health_port, "metrics": switch}), flush=True)
        watcher = asyncio.ensure_future(watch_parent(stop))
        await stop
        watcher.cancel()
    health.close()


if __name__ == "__main__":
    asyncio.run(main())
