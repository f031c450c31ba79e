"""Watching HTTP/1.1 go by on a relayed connection, without touching a byte of it.

The owner gate relays a scoring server's connections byte for byte; a ``Tap`` is fed copies of
both directions and frames them into requests and responses (Content-Length, chunked, or up to
the close), pairs them in order (HTTP/1.1 answers in order) and reports one ``Exchange`` per
request/response pair. Whatever cannot be framed (a client speaking something else) ends the
watching of that connection, never the connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

_HEAD_LIMIT = 64 * 1024


@dataclass
class Message:
    start_line: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytearray = field(default_factory=bytearray)  # at most the keep limit
    size: int = 0  # head + body bytes on the wire
    truncated: bool = False
    done_at: float = 0.0  # time.perf_counter() when complete


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    request: Message
    response: Message
    latency_ms: float  # full request received → full response sent


class _Framer:
    """Frames one direction into messages; ``emit`` gets each complete one."""

    def __init__(self, emit: Callable[[Message], None], keep: int, response: bool, heads):
        self._emit = emit
        self._keep = keep
        self._response = response
        self._heads = heads  # responses: the pending requests' methods (HEAD has no body)
        self._buf = bytearray()
        self._state = "head"
        self._left = 0
        self._msg: Message | None = None
        self.broken = False

    def feed(self, data: bytes) -> None:
        if self.broken:
            return
        if self._msg is None and data:
            self._msg = Message()
        self._buf += data
        if self._msg is not None:
            self._msg.size += len(data)
        while self._buf and not self.broken:
            if not self._step():
                break

    def eof(self) -> None:
        if self._state == "until-close" and self._msg is not None:
            self._done()

    def _step(self) -> bool:
        if self._state == "head":
            end = self._buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buf) > _HEAD_LIMIT:
                    self.broken = True
                return False
            lines = self._buf[:end].decode("latin-1").split("\r\n")
            del self._buf[: end + 4]
            msg = self._msg or Message()
            self._msg = msg
            msg.start_line = lines[0]
            for line in lines[1:]:
                name, _, value = line.partition(":")
                msg.headers[name.strip().lower()] = value.strip()
            return self._body_mode(msg)
        if self._state == "body":
            take = min(self._left, len(self._buf))
            self._keep_bytes(self._buf[:take])
            del self._buf[:take]
            self._left -= take
            if self._left == 0:
                self._done()
            return True
        if self._state == "until-close":
            self._keep_bytes(self._buf)
            self._buf.clear()
            return False
        return self._chunk_step()

    def _body_mode(self, msg: Message) -> bool:
        parts = msg.start_line.split(" ", 2)
        if self._response:
            if len(parts) < 2 or not parts[1].isdigit():
                self.broken = True
                return False
            status = int(parts[1])
            if status < 200:  # 100 Continue and friends: the real answer follows
                self._msg = None if not self._buf else Message(size=len(self._buf))
                return True
            method = self._heads[0] if self._heads else "GET"
            if method == "HEAD" or status in (204, 304):
                self._done()
                return True
        if "chunked" in msg.headers.get("transfer-encoding", "").lower():
            self._state = "chunk-size"
            return True
        length = msg.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                self.broken = True
                return False
            self._left = int(length)
            if self._left == 0:
                self._done()
            else:
                self._state = "body"
            return True
        if self._response:
            self._state = "until-close"
            return True
        self._done()  # a request without a body
        return True

    def _chunk_step(self) -> bool:
        end = self._buf.find(b"\r\n")
        if end < 0:
            return False
        if self._state == "chunk-size":
            text = self._buf[:end].split(b";", 1)[0].strip()
            try:
                size = int(text or b"0", 16)
            except ValueError:
                self.broken = True
                return False
            if size == 0:
                del self._buf[: end + 2]
                self._state = "trailers"
                return True
            if len(self._buf) < end + 2 + size + 2:
                return False
            self._keep_bytes(self._buf[end + 2 : end + 2 + size])
            del self._buf[: end + 2 + size + 2]
            return True
        # trailers: lines until an empty one
        line = bytes(self._buf[:end])
        del self._buf[: end + 2]
        if not line:
            self._done()
        return True

    def _keep_bytes(self, data) -> None:
        msg = self._msg
        room = self._keep - len(msg.body)
        if room > 0:
            msg.body += data[:room]
        if len(data) > room:
            msg.truncated = True

    def _done(self) -> None:
        msg, self._msg = self._msg, None
        self._state = "head"
        # What is already buffered belongs to the next message.
        if self._buf:
            self._msg = Message(size=len(self._buf))
            msg.size -= len(self._buf)
        msg.done_at = time.perf_counter()
        self._emit(msg)


class Tap:
    """One relayed connection; ``report(exchange)`` is called for each finished request."""

    def __init__(self, report: Callable[[Exchange], None], keep: int = 1024 * 1024):
        self._report = report
        self._pending: list[Message] = []
        self._methods: list[str] = []
        self.requests = _Framer(self._request, keep, response=False, heads=None)
        self.responses = _Framer(self._response, keep, response=True, heads=self._methods)

    def from_client(self, data: bytes) -> None:
        self.requests.feed(data)

    def from_server(self, data: bytes) -> None:
        self.responses.feed(data)

    def closed(self) -> None:
        self.responses.eof()

    def _request(self, msg: Message) -> None:
        self._pending.append(msg)
        self._methods.append(msg.start_line.split(" ", 1)[0])

    def _response(self, msg: Message) -> None:
        if not self._pending:
            return
        request = self._pending.pop(0)
        self._methods.pop(0)
        parts = request.start_line.split(" ")
        method = parts[0] if parts else ""
        path = parts[1] if len(parts) > 1 else ""
        status = int(msg.start_line.split(" ", 2)[1])
        latency = max(0.0, (msg.done_at - request.done_at) * 1000)
        self._report(Exchange(method, path, status, request, msg, latency))
