"""faaso Python runtime: serves /app/handler.py's handle(req) over HTTP.

Standard library only. GET (and HEAD) /ping answers "pong" without calling the
handler; every other request goes to handle(req). Every answer the server gives
by itself (413, 431, a malformed request) is JSON, as the handler's errors are. `server.py --healthcheck` exits 0 iff
the running server answers GET /ping with 200.

On SIGTERM or SIGINT the server drains instead of dying: the proxy finds replicas
through Docker's DNS, which drops one only once its container has stopped, and it
retries a request elsewhere only when it could not connect. So the listening socket
is closed at once (new connections are refused, which the proxy retries), requests
in flight and requests on already-open connections are answered with
`Connection: close`, idle connections are closed once quiet, and the process exits
when none is left, or after FAASO_DRAIN_SECONDS (default 10) at the latest.
"""

import glob
import http.client
import http.server
import importlib
import itertools
import json
import os
import re
import selectors
import signal
import site
import socket
import sys
import threading
import time
import traceback
import urllib.parse

PORT = int(os.environ.get("PORT", "3000"))
MAX_BODY = 16 * 1024 * 1024
# A body over MAX_BODY is still read to its end and dropped, up to this size,
# before the 413: closing a connection with unread bytes makes the kernel reset
# it, and a client still sending may lose the answer with it. A larger body is
# answered at once (without being read) and the connection closed.
DISCARD_MAX = 4 * MAX_BODY
# Deeper JSON is refused with 400 (the limit of Crystal's parser, so every runtime
# agrees): Python's own parser and encoder recurse, and a body nested a few
# thousand levels deep would otherwise end in a RecursionError, a 500.
MAX_JSON_DEPTH = 512
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
APP_DIR = os.path.dirname(os.path.abspath(__file__))
# During a drain an idle keep-alive connection is closed only after this long
# without a request, so a client that just got a response and is about to reuse
# the connection is not cut off as it sends.
DRAIN_QUIET = 0.5
# Once drained, the process stays up this long, refusing connections, before it
# exits: proxies find replicas through DNS, refreshed every 250 ms, and an
# address that refuses is skipped at once, where one that is gone (the container
# stopped) would keep a request waiting for its dial timeout.
DRAIN_LINGER = 0.3
DRAIN_SECONDS_DEFAULT = 10.0


def drain_seconds():
    """FAASO_DRAIN_SECONDS: how long a drain may take at most (0-3600 s)."""
    raw = os.environ.get("FAASO_DRAIN_SECONDS", "").strip()
    if raw == "":
        return DRAIN_SECONDS_DEFAULT
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", raw) and float(raw) <= 3600:
        return float(raw)
    print(f"faaso: FAASO_DRAIN_SECONDS={json.dumps(raw)} is not a number of seconds from 0 to 3600; using {DRAIN_SECONDS_DEFAULT:g}",
          file=sys.stderr, flush=True)
    return DRAIN_SECONDS_DEFAULT


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
                value = json.loads(self.raw)
            except ValueError as err:
                raise BadRequest(f"request body is not valid JSON: {err}") from None
            except RecursionError:
                value = BadRequest  # too deep for the parser: certainly too deep
            if value is BadRequest or json_depth(self.raw) > MAX_JSON_DEPTH:
                raise BadRequest(f"request body is JSON nested deeper than {MAX_JSON_DEPTH} levels")
            self._json = value
        return self._json


# +1 for an opening bracket, -1 for a closing one, 0 for anything else.
BRACKET_STEP = [0] * 256
BRACKET_STEP[ord("[")] = BRACKET_STEP[ord("{")] = 1
BRACKET_STEP[ord("]")] = BRACKET_STEP[ord("}")] = -1
NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(raw):
    """The deepest nesting of [ and { in a valid JSON text, its strings dropped
    first. A body with few brackets at all is not walked; the walk runs in C."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    brackets = JSON_STRING.sub(b"", raw).translate(None, NOT_BRACKETS)
    return max(itertools.accumulate(map(BRACKET_STEP.__getitem__, brackets)), default=0)


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
    disable_nagle_algorithm = True  # a response goes out the moment it is written
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

    def handle_one_request(self):
        # Between requests a connection is idle: wait for the next request's first
        # byte here, so the drain can tell an idle connection (which it may close)
        # from one whose request is being read or handled (which it must not).
        try:
            if not self.rfile.peek(1):
                self.close_connection = True  # EOF: the client (or the drain) closed it
                return
        except OSError:  # idle longer than `timeout`, or reset by the client
            self.close_connection = True
            return
        self.server.conns.busy(self.connection)
        try:
            super().handle_one_request()
        finally:
            self.server.conns.idle(self.connection)

    def _read_exactly(self, length):
        data = self.rfile.read(length)
        if len(data) < length:  # never hand a handler a truncated body
            raise ConnectionResetError("the connection closed in the middle of the request body")
        return data

    def _discard(self, length):
        while length > 0:
            length -= len(self._read_exactly(min(length, 1 << 20)))

    def _read_body(self):
        """The body, or None when it is larger than MAX_BODY (read and dropped up to DISCARD_MAX)."""
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            parts, size = [], 0
            while True:
                line = self.rfile.readline(1024)
                if not line:
                    raise ConnectionResetError("the connection closed in the middle of the request body")
                length = int(line.split(b";")[0].strip() or b"0", 16)
                if length == 0:
                    while self.rfile.readline(1024).strip():  # trailers
                        pass
                    return b"".join(parts) if size <= MAX_BODY else None
                size += length
                if size > DISCARD_MAX:
                    return None
                if size > MAX_BODY:
                    parts = []
                    self._discard(length)
                else:
                    parts.append(self._read_exactly(length))
                self.rfile.readline(1024)
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            if length <= DISCARD_MAX:
                self._discard(length)
            return None
        return self._read_exactly(length) if length > 0 else b""

    def _dispatch(self):
        try:
            raw = self._read_body()
        except ValueError:
            self.close_connection = True
            return self._send(*json_error(400, "malformed request body framing (content-length or chunked encoding)"))
        if raw is None:
            self.close_connection = True
            status, headers, data = json_error(413, f"request body larger than {MAX_BODY} bytes")
            return self._send(status, {**headers, "connection": "close"}, data)
        if self.command in ("GET", "HEAD") and urllib.parse.urlsplit(self.path).path == "/ping":
            # Even while draining: the request reached a server that still answers,
            # and a client calling /ping through a proxy must not see a failure.
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

    def send_error(self, code, message=None, explain=None):
        # http.server's own answers (400 for a malformed request line, 414, 431
        # for too long or too many headers, 505) are HTML by default: JSON here,
        # like every other error. The request was not fully read: close after it.
        self.close_connection = True
        if getattr(self, "request_version", None) == "HTTP/0.9":
            # A request line that did not parse leaves http.server's default, 0.9,
            # which would send the body alone: no client of ours speaks 0.9, and an
            # error without its status line is no error to them.
            self.request_version = "HTTP/1.1"
        self.send_response(code, message)
        data = json.dumps({"error": message or self.responses.get(code, ("error",))[0]}).encode("utf-8")
        self.send_header("content-type", "application/json")
        self.send_header("connection", "close")
        self.send_header("content-length", str(len(data)))
        self._end(data if getattr(self, "command", None) != "HEAD" else b"")

    def _send(self, status, headers, data):
        self.send_response(status)
        no_body = status in (204, 304) or 100 <= status < 200
        draining = self.server.draining
        for key, value in headers.items():
            if key != "content-length" and not (draining and key == "connection"):
                self.send_header(key, value)
        if draining:
            # The connection's last response (send_header also sets close_connection):
            # the client must not send another request on it.
            self.send_header("connection", "close")
        if not no_body:
            self.send_header("content-length", str(len(data)))
        self._end(data if data and not no_body and self.command != "HEAD" else b"")

    def _end(self, body):
        # end_headers, with the body in the same write: a server stopped or killed
        # mid-response then never leaves a proxy holding a status line without its
        # body (which it can neither finish nor retry, so it resets its client),
        # and a response costs one send instead of two. _headers_buffer is what
        # send_header fills and end_headers flushes (http.server, since 3.3).
        self._headers_buffer.append(b"\r\n")
        if body:
            self._headers_buffer.append(body)
        self.flush_headers()


class Connections:
    """The server's open connections, each idle (since when) or busy (a request is
    being read or handled), so a drain knows which ones it may close."""

    def __init__(self):
        self.changed = threading.Condition()  # notified when a connection closes
        self._idle_since = {}  # socket -> time.monotonic() it went idle; None while busy
        self._closing = set()  # sockets the drain has shut down

    def __len__(self):
        with self.changed:
            return len(self._idle_since)

    def opened(self, sock):
        with self.changed:
            self._idle_since[sock] = time.monotonic()

    def busy(self, sock):
        with self.changed:
            self._idle_since[sock] = None

    def idle(self, sock):
        with self.changed:
            self._idle_since[sock] = time.monotonic()

    def closed(self, sock):
        with self.changed:
            self._idle_since.pop(sock, None)
            self._closing.discard(sock)
            self.changed.notify_all()

    def close_idle(self, quiet_since, quiet):
        """Closes every connection idle for `quiet` seconds, counted from its last
        response or from `quiet_since` (the drain's start), whichever is later."""
        now = time.monotonic()
        with self.changed:
            for sock, idle_since in self._idle_since.items():
                if idle_since is not None and sock not in self._closing and now - max(idle_since, quiet_since) >= quiet:
                    self._shutdown(sock)

    def close_all(self):
        with self.changed:
            for sock in self._idle_since:
                if sock not in self._closing:
                    self._shutdown(sock)

    def _shutdown(self, sock):
        # shutdown() sends a FIN (not a reset: an idle connection has nothing left
        # unread) and wakes the connection's thread, which sees EOF and closes the
        # socket itself.
        self._closing.add(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already reset by the client
            pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a drain that reaches its deadline does not wait for them
    request_queue_size = 128
    draining = False  # set once, when a drain starts; read by the connection threads

    def __init__(self, *args, **kwargs):
        self.conns = Connections()
        super().__init__(*args, **kwargs)

    def accept(self):
        """Accepts one pending connection and serves it on a thread of its own."""
        try:
            request, client_address = self.get_request()
        except OSError:  # gone before the accept, or out of file descriptors
            return
        try:
            self.process_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
            self.shutdown_request(request)

    def process_request(self, request, client_address):
        self.conns.opened(request)  # counted from the accept on
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        # Runs on the connection's thread once it is done: the connection counts as
        # open until its socket is actually closed.
        try:
            super().shutdown_request(request)
        finally:
            self.conns.closed(request)

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


def serve_until_signal(server, wakeup):
    """Accepts connections until SIGTERM or SIGINT arrives; returns its name.

    The signal number comes from the wakeup socket (signal.set_wakeup_fd): it is
    written the moment the signal arrives, whichever thread the signal interrupts,
    and a connection that was ready in the same instant is still accepted."""
    with selectors.DefaultSelector() as selector:
        selector.register(server.socket, selectors.EVENT_READ)
        selector.register(wakeup, selectors.EVENT_READ)
        while True:
            ready = {key.fileobj for key, _ in selector.select()}
            if server.socket in ready:
                server.accept()
            if wakeup in ready:
                for signum in wakeup.recv(64):
                    if signum in (signal.SIGTERM, signal.SIGINT):
                        return signal.Signals(signum).name


def drain(server, signame, limit):
    """Stops accepting; returns once no connection is left, or after `limit` seconds."""
    start = time.monotonic()
    server.draining = True  # from now on every response carries Connection: close
    server.server_close()  # new connection attempts are refused from here on
    conns = server.conns
    print(f"faaso: {signame}: draining {len(conns)} connection(s)", flush=True)
    with conns.changed:
        while len(conns):
            elapsed = time.monotonic() - start
            if elapsed >= limit:
                print(f"faaso: drain deadline reached after {elapsed:.1f}s, closing {len(conns)} connection(s)", flush=True)
                conns.close_all()
                return
            conns.close_idle(quiet_since=start, quiet=DRAIN_QUIET)
            conns.changed.wait(min(0.05, limit - elapsed))
    print(f"faaso: drained in {time.monotonic() - start:.1f}s", flush=True)
    time.sleep(DRAIN_LINGER)


HANDLE = None


def main():
    global HANDLE
    if "--healthcheck" in sys.argv[1:]:
        sys.exit(healthcheck())

    serving = False

    def on_signal(signum, frame):
        # Before the server is set up there is nothing to drain: exit at once. From
        # then on serve_until_signal() picks the signal up, and a second one during
        # the drain changes nothing.
        if not serving:
            raise SystemExit(0)

    # As PID 1 there are no default signal actions: install them explicitly, and
    # before the handler's import, which may be slow.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    limit = drain_seconds()
    use_venv()
    module = importlib.import_module("handler")
    handle = getattr(module, "handle", None)
    if not callable(handle):
        sys.exit(f"faaso: {os.path.join(APP_DIR, 'handler.py')} must define a function handle(req)")
    HANDLE = handle
    # The port is bound only now: a function whose handler fails to load never
    # accepts a connection.
    wakeup, wakeup_write = socket.socketpair()
    wakeup_write.setblocking(False)
    signal.set_wakeup_fd(wakeup_write.fileno(), warn_on_full_buffer=False)
    serving = True
    server = Server(("0.0.0.0", PORT), Handler)
    server.socket.setblocking(False)  # select() said ready, but the client may be gone
    print(f"faaso: python function listening on 0.0.0.0:{PORT}", flush=True)
    drain(server, serve_until_signal(server, wakeup), limit)


if __name__ == "__main__":
    main()
