"""The call path to local scoring servers: a small keep-alive HTTP/1.1 client on 127.0.0.1."""

import asyncio
import contextlib

HOST = "127.0.0.1"


class _Stale(Exception):
    """A reused keep-alive connection was closed by the server before it answered."""


class KeepAlive:
    """A minimal HTTP/1.1 client with keep-alive, for POSTs to scoring servers on 127.0.0.1.

    Tornado's simple client opens a connection per request; reusing one saves about a
    millisecond per call, most of the extension's overhead on the call path. Only what uvicorn
    (or gunicorn) answers is handled: Content-Length or chunked bodies, or a body up to EOF.
    """

    MAX_IDLE = 8  # per port
    MAX_BODY = 256 * 1024 * 1024

    def __init__(self):
        self._idle: dict[int, list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}

    async def post(self, port: int, path: str, body: bytes, content_type: str, timeout: float):
        """Return (status, content type, body); raise OSError, ValueError or TimeoutError."""
        for _ in range(self.MAX_IDLE + 1):
            conn, reused = self._take(port), True
            if conn is None:
                conn, reused = (
                    await asyncio.wait_for(asyncio.open_connection(HOST, port), 10),
                    False,
                )
            try:
                status, ctype, data, keep = await asyncio.wait_for(
                    self._exchange(conn, port, path, body, content_type), timeout
                )
            except _Stale:
                _close(conn)
                if reused:
                    continue  # the server closed an idle connection: use another
                raise ConnectionResetError("the scoring server closed the connection") from None
            except BaseException:
                _close(conn)
                raise
            if keep and len(self._idle.setdefault(port, [])) < self.MAX_IDLE:
                self._idle[port].append(conn)
            else:
                _close(conn)
            return status, ctype, data
        raise ConnectionResetError("the scoring server keeps closing connections")

    def forget(self, port: int) -> None:
        for conn in self._idle.pop(port, []):
            _close(conn)

    def close(self) -> None:
        for port in list(self._idle):
            self.forget(port)

    def _take(self, port: int):
        idle = self._idle.get(port) or []
        while idle:
            conn = idle.pop()
            if not conn[0].at_eof() and not conn[1].is_closing():
                return conn
            _close(conn)
        return None

    async def _exchange(self, conn, port, path, body, content_type):
        reader, writer = conn
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: {content_type}\r\n"
            f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
            status_line = await reader.readline()
        except (ConnectionError, BrokenPipeError):
            raise _Stale() from None
        if not status_line:
            raise _Stale()
        parts = status_line.decode("latin-1").split(None, 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise ValueError(f"not an HTTP answer: {status_line[:80]!r}")
        status = int(parts[1])
        headers = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        keep = parts[0] == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        if "chunked" in headers.get("transfer-encoding", "").lower():
            data = await self._chunks(reader)
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if length > self.MAX_BODY:
                raise ValueError(f"the answer is larger than {self.MAX_BODY} bytes")
            data = await reader.readexactly(length)
        else:
            data, keep = await reader.read(self.MAX_BODY), False
        return status, headers.get("content-type", "application/json"), data, keep

    async def _chunks(self, reader) -> bytes:
        data = bytearray()
        while True:
            size = int((await reader.readline()).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return bytes(data)
            if len(data) + size > self.MAX_BODY:
                raise ValueError(f"the answer is larger than {self.MAX_BODY} bytes")
            data += await reader.readexactly(size)
            await reader.readexactly(2)


def _close(conn) -> None:
    with contextlib.suppress(Exception):
        conn[1].close()
