"""The one door from the browser to a tracking server.

``/mlflow-workspace/api/workspaces/<id>/mlflow/<path>``: the target is the stored workspace's
URL, never anything from the request; only (method, path) pairs in the allowlist pass; the
request's own headers (Cookie, Jupyter's Authorization, XSRF, hop-by-hop) are never forwarded —
the upstream request is built from scratch with the workspace's credentials.
"""

import re

import tornado
from jupyter_server.utils import ensure_async

from ..errors import UserError
from ..tracking.allowlist import WRITES, check_allowed, normalise
from .base import ExtensionHandler

_RAW_PATH = re.compile(r"/mlflow-workspace/api/workspaces/[^/]+/mlflow/(.*)$")


class ProxyHandler(ExtensionHandler):
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
        # POST searches are reads; creating, renaming, deleting experiments are writes.
        action = "write" if path in WRITES else "read"
        allowed = await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, action, self.auth_resource)
        )
        if not allowed:
            raise UserError(
                f"Not authorized to {action} MLflow data here", status=403, reason="not_authorized"
            )
        workspace = await self.ext.resolve_workspace(workspace_id)
        query = _drop_cache_buster(self.request.query)
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
            raise UserError(
                _AUTH_MESSAGES[response.code],
                status=response.code,
                reason="unauthorized" if response.code == 401 else "forbidden",
            )
        if not _is_json(response.headers):
            # Every route of the allowlist answers JSON. Anything else (a reverse proxy's HTML
            # page, a 2.x server's HTML 404) is never passed on: served from Jupyter's origin it
            # would be a page the tracking server wrote. The status stays (a 404 still means
            # "this server lacks the route").
            kind = response.headers.get("Content-Type", "").split(";")[0].strip()
            raise UserError(
                f"The tracking server answered {response.code} with "
                f"{kind or 'an untyped body'}, not MLflow's JSON. Check the workspace URL.",
                status=response.code if response.code >= 400 else 502,
                reason="not_mlflow",
            )
        self.set_status(response.code)
        self.set_header("Content-Type", "application/json")
        self.set_header("X-Content-Type-Options", "nosniff")
        cache = response.headers.get("Cache-Control")
        if cache:
            self.set_header("Cache-Control", cache)
        self.finish(response.body or b"")


_AUTH_MESSAGES = {
    401: "Wrong credentials: the tracking server answered 401. Check the workspace's token or "
    "username and password.",
    403: "No permission: the tracking server refused this request (403) for these credentials.",
}


def _is_json(headers) -> bool:
    kind = headers.get("Content-Type", "").split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def _drop_cache_buster(query: str) -> str:
    # ServerConnection may append a bare timestamp parameter to defeat caches; MLflow would
    # reject it as an unknown field.
    parts = [p for p in query.split("&") if p and not re.fullmatch(r"\d+=?", p)]
    return "&".join(parts)
