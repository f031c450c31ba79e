"""The one door from the browser to a tracking server.

``/mlflow-workspace/api/workspaces/<id>/mlflow/<path>``: the target is the stored workspace's
URL, never anything from the request; only (method, path) pairs in the allowlist pass; the
request's own headers (Cookie, Jupyter's Authorization, XSRF, hop-by-hop) are never forwarded —
the upstream request is built from scratch with the workspace's credentials.
"""

import re

import tornado
from tornado.httputil import HTTPHeaders

from ..tracking.allowlist import STREAMED, check_allowed, normalise
from .base import WorkspaceError, WorkspaceHandler

_RAW_PATH = re.compile(r"/mlflow-workspace/api/workspaces/[^/]+/mlflow/(.*)$")
# Response headers worth passing back; everything else (Set-Cookie, CORS, server info) is dropped.
_PASS_BACK = ("Content-Type", "Content-Disposition", "Cache-Control", "X-Content-Type-Options")


class ProxyHandler(WorkspaceHandler):
    @tornado.web.authenticated
    async def get(self, workspace_id, _path):
        await self._forward("GET", workspace_id)

    @tornado.web.authenticated
    async def post(self, workspace_id, _path):
        await self._forward("POST", workspace_id)

    async def _forward(self, method, workspace_id):
        # Tornado has already percent-decoded the path argument; check the raw one instead.
        match = _RAW_PATH.search(self.request.path)
        path = normalise(match.group(1) if match else "")
        check_allowed(method, path)
        workspace = await self.ext.resolve_workspace(workspace_id)
        query = _drop_cache_buster(self.request.query)
        if path in STREAMED:
            await self._stream(workspace, method, path, query)
            return
        response = await self.ext.upstream.fetch(
            workspace,
            method,
            path,
            query=query,
            body=self.request.body if method == "POST" else None,
            content_type="application/json" if method == "POST" else None,
        )
        if response.code in (401, 403) and not _is_json(response.headers):
            # Auth layers (MLflow's basic-auth app, reverse proxies) answer in plain text or
            # HTML; give the browser the one error shape with words a user understands.
            raise WorkspaceError(
                _AUTH_MESSAGES[response.code],
                status=response.code,
                reason="unauthorized" if response.code == 401 else "forbidden",
            )
        self.set_status(response.code)
        self._pass_back(response.headers)
        self.finish(response.body or b"")

    async def _stream(self, workspace, method, path, query):
        headers = HTTPHeaders()
        state = {"status": 502, "sent": False}

        def on_header(line: str) -> None:
            if line.startswith("HTTP/"):
                state["status"] = int(line.split(" ", 2)[1])
            elif line.strip():
                headers.parse_line(line)

        def on_chunk(chunk: bytes) -> None:
            if 300 <= state["status"] < 400:
                return  # the redirect is reported after the fetch
            if not state["sent"]:
                state["sent"] = True
                self.set_status(state["status"])
                self._pass_back(headers)
            self.write(chunk)
            self.flush()

        response = await self.ext.upstream.fetch(
            workspace,
            method,
            path,
            query=query,
            streaming_callback=on_chunk,
            header_callback=on_header,
        )
        if not state["sent"]:
            self.set_status(response.code)
            self._pass_back(headers)
        self.finish()

    def _pass_back(self, headers) -> None:
        for name in _PASS_BACK:
            value = headers.get(name)
            if value:
                self.set_header(name, value)


_AUTH_MESSAGES = {
    401: "Wrong credentials: the tracking server answered 401. Check the workspace's token or "
    "username and password.",
    403: "No permission: the tracking server refused this request (403) for these credentials.",
}


def _is_json(headers) -> bool:
    return "json" in headers.get("Content-Type", "")


def _drop_cache_buster(query: str) -> str:
    # ServerConnection may append a bare timestamp parameter to defeat caches; MLflow would
    # reject it as an unknown field.
    parts = [p for p in query.split("&") if p and not re.fullmatch(r"\d+=?", p)]
    return "&".join(parts)
