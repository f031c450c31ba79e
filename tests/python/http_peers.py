"""Small HTTP peers for the proxy's failure classes: a redirect, a silent server, an HTML page,
a header echo. They run in the test's own event loop on 127.0.0.1 and stand in for broken or
unusual *servers*, not for MLflow: every MLflow behaviour is tested against a real mlflow server.
"""

import asyncio
import json
import socket

import pytest
import tornado.web
from tornado.httpserver import HTTPServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Redirect(tornado.web.RequestHandler):
    def get(self, _):
        self.redirect("http://example.invalid/elsewhere", status=302)


class _Html(tornado.web.RequestHandler):
    def get(self, _):
        self.set_header("Content-Type", "text/html")
        self.finish("<html><body>Welcome to nginx!</body></html>")


class _Echo(tornado.web.RequestHandler):
    """Answers an MLflow-shaped search and records the headers it was sent."""

    def get(self, _):
        self.application.settings["seen"].append(dict(self.request.headers))
        self.set_header("Set-Cookie", "session=upstream-cookie")
        self.set_header("Access-Control-Allow-Origin", "*")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"experiments": [{"experiment_id": "0", "name": "x" * 64}]}))


class _Chunked(tornado.web.RequestHandler):
    """A JSON answer sent in chunks with no Content-Length (as behind many reverse proxies)."""

    async def get(self, _):
        self.set_header("Content-Type", "application/json")
        self.write('{"experiments": [')
        await self.flush()
        for index in range(50):
            self.write(json.dumps({"experiment_id": str(index), "name": "x" * 64}) + ",")
            await self.flush()
        self.finish('{"experiment_id": "last"}]}')


class _Silent(tornado.web.RequestHandler):
    async def get(self, _):
        await asyncio.sleep(30)


@pytest.fixture
def plaintext_peer(jp_asyncio_loop):
    """A server that speaks plain HTTP at once, before any TLS handshake: an https:// URL to it
    fails with the same error as a TLS port mix-up in real life."""
    servers = []

    async def answer(reader, writer):
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    port = free_port()
    servers.append(
        jp_asyncio_loop.run_until_complete(asyncio.start_server(answer, "127.0.0.1", port))
    )
    yield f"https://127.0.0.1:{port}"
    for server in servers:
        server.close()


@pytest.fixture
def http_peer(jp_asyncio_loop):
    """Start a peer of the given kind; returns its base URL (and the list of seen headers)."""
    servers = []

    def start(kind: str):
        handler = {"redirect": _Redirect, "html": _Html, "echo": _Echo, "silent": _Silent,
                   "chunked": _Chunked}[kind]  # fmt: skip
        seen: list[dict] = []
        app = tornado.web.Application([(r"/(.*)", handler)], seen=seen)
        server = HTTPServer(app)
        port = free_port()
        server.listen(port, "127.0.0.1")
        servers.append(server)
        return f"http://127.0.0.1:{port}", seen

    yield start
    for server in servers:
        server.stop()
