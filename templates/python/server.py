"""faaso Python runtime: serves /app/handler.py's handle(req) over HTTP.

Standard library only. GET /ping answers "pong" without calling the handler;
every other request goes to handle(req). `server.py --healthcheck` exits 0 iff
the running server answers GET /ping with 200.
"""

import glob
import http.client
import http.server
import importlib
import json
import os
import signal
import site
import sys
import threading
import time
import traceback
import urllib.parse

PORT = int(os.environ.get("PORT", "3000"))
MAX_BODY = 16 * 1024 * 1024
APP_DIR = os.path.dirname(os.path.abspath(__file__))


class BadRequest(Exception):
    """Raised by Request.json() for a body that is not JSON: answered with 400."""


class Request:
    """What handle(req) receives."""

    __slots__ = ("method", "path", "query", "query_all", "headers", "raw", "_body", "_json")

    def __init__(self, method, target, headers, raw):
        url = urllib.parse.urlsplit(target)
        self.method = method
        self.path = url.path or "/"
        self.query_all = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        self.query = {k: v[0] for k, v in self.query_all.items()}
        self.headers = headers
        self.raw = raw
        self._body = None
        self._json = BadRequest  # sentinel: not parsed yet

    @property
    def body(self):
        """The body as text (UTF-8; undecodable bytes replaced)."""
        if self._body is None:
            self._body = self.raw.decode("utf-8", errors="replace")
        return self._body

    def json(self):
        """The body parsed as JSON; a missing or invalid body becomes a 400 answer."""
        if self._json is BadRequest:
            if not self.raw.strip():
                raise BadRequest("request body is empty, expected JSON")
            try:
                self._json = json.loads(self.raw)
            except ValueError as err:
                raise BadRequest(f"request body is not valid JSON: {err}") from None
        return self._json


def encode(value):
    """A handler's plain return value -> (status, content type, body bytes)."""
    if value is None:
        return 204, None, b""
    if isinstance(value, str):
        return 200, "text/plain; charset=utf-8", value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return 200, "application/octet-stream", bytes(value)
    if isinstance(value, (dict, list, int, float, bool)):
        return 200, "application/json", json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    raise TypeError(f"handler returned unsupported type {type(value).__name__}")


def respond_with(result):
    """Plain value, or an explicit (body, status) / (body, status, headers) tuple."""
    if isinstance(result, tuple):
        if len(result) not in (2, 3) or not isinstance(result[1], int):
            raise TypeError("handler tuple must be (body, status) or (body, status, headers)")
        _, content_type, data = encode(result[0])
        headers = {k.lower(): str(v) for k, v in (result[2] if len(result) == 3 else {}).items()}
        if content_type and "content-type" not in headers:
            headers["content-type"] = content_type
        return result[1], headers, data
    status, content_type, data = encode(result)
    return status, ({"content-type": content_type} if content_type else {}), data


def run_async(awaitable):
    import asyncio  # only paid for by async handlers

    async def wait():
        return await awaitable

    return asyncio.run(wait())


def json_error(status, message):
    return status, {"content-type": "application/json"}, json.dumps({"error": message}).encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    # Idle keep-alive connections are dropped after this many seconds: longer than a
    # proxy's idle keep-alive (Caddy: 2 min), so the proxy never reuses one being closed.
    timeout = 150

    def version_string(self):
        return "faaso-python"

    def __getattr__(self, name):
        # Every method (GET, POST, PATCH, anything) is dispatched the same way.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def log_message(self, format, *args):  # no access log; errors are logged below
        pass

    def _read_body(self):
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            parts, size = [], 0
            while True:
                line = self.rfile.readline(1024)
                length = int(line.split(b";")[0].strip() or b"0", 16)
                if length == 0:
                    while self.rfile.readline(1024).strip():  # trailers
                        pass
                    return b"".join(parts)
                size += length
                if size > MAX_BODY:
                    return None
                parts.append(self.rfile.read(length))
                self.rfile.readline(1024)
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self):
        self.server.track(+1)
        try:
            self._serve()
        finally:
            self.server.track(-1)

    def _serve(self):
        try:
            raw = self._read_body()
        except ValueError:
            self.close_connection = True
            return self._send(*json_error(400, "malformed request body framing (content-length or chunked encoding)"))
        if raw is None:
            self.close_connection = True
            return self._send(*json_error(413, f"request body larger than {MAX_BODY} bytes"))
        if self.command == "GET" and urllib.parse.urlsplit(self.path).path == "/ping":
            return self._send(200, {"content-type": "text/plain; charset=utf-8"}, b"pong")
        headers = {}
        for key, value in self.headers.items():
            key = key.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        req = Request(self.command, self.path, headers, raw)
        try:
            result = HANDLE(req)
            if hasattr(result, "__await__"):  # async def handle: one event loop per request
                result = run_async(result)
            reply = respond_with(result)
        except BadRequest as err:
            reply = json_error(400, str(err))
        except Exception as err:
            print(f"faaso: {self.command} {self.path}: handler failed:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            sys.stderr.flush()
            reply = json_error(500, f"{type(err).__name__}: {err}")
        self._send(*reply)

    def _send(self, status, headers, data):
        self.send_response(status)
        no_body = status in (204, 304) or 100 <= status < 200
        for key, value in headers.items():
            if key != "content-length":
                self.send_header(key, value)
        if not no_body:
            self.send_header("content-length", str(len(data)))
        self.end_headers()
        if data and not no_body and self.command != "HEAD":
            self.wfile.write(data)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # open keep-alive connections must not delay exit
    request_queue_size = 128
    active = 0  # requests being handled, so a stop can let them finish
    _lock = threading.Lock()

    def track(self, delta):
        with self._lock:
            self.active += delta

    def handle_error(self, request, client_address):
        # A client dropping a keep-alive connection is normal, not worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def use_venv():
    """Put /venv's site-packages (pip requirements) after the standard library and
    ahead of Debian's dist-packages, where a venv's python would have them."""
    before = list(sys.path)
    for path in sorted(glob.glob("/venv/lib/python3*/site-packages")):
        site.addsitedir(path)  # also runs its .pth files
    added = [p for p in sys.path if p not in before]
    at = next((i for i, p in enumerate(before) if p.endswith(("dist-packages", "site-packages"))), len(before))
    sys.path[:] = before[:at] + added + before[at:]


def healthcheck():
    try:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
        conn.request("GET", "/ping")
        return 0 if conn.getresponse().status == 200 else 1
    except Exception:
        return 1


HANDLE = None


def main():
    global HANDLE
    if "--healthcheck" in sys.argv[1:]:
        sys.exit(healthcheck())

    def stop(signum, frame):
        raise SystemExit(0)

    # As PID 1 there are no default signal actions: install them explicitly, and
    # before the handler's import, which may be slow.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    use_venv()
    module = importlib.import_module("handler")
    handle = getattr(module, "handle", None)
    if not callable(handle):
        sys.exit(f"faaso: {os.path.join(APP_DIR, 'handler.py')} must define a function handle(req)")
    HANDLE = handle
    server = Server(("0.0.0.0", PORT), Handler)
    print(f"faaso: python function listening on 0.0.0.0:{PORT}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        # Let requests in flight finish (briefly), then exit with the daemon threads.
        for _ in range(40):
            if server.active <= 0:
                break
            time.sleep(0.02)


if __name__ == "__main__":
    main()
