"""The one shared HTTP client to tracking servers, and the one mapping of its failures.

Redirects are never followed (a 3xx becomes a clear 502): following one would let a tracking
server send our credentials, or the browser's request, to a host nobody configured.
"""

import socket
import ssl

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPStreamClosedError, HTTPTimeoutError

from ..handlers.base import WorkspaceError
from ..workspaces.model import Workspace
from .targets import check_target, upstream_url


class Upstream:
    def __init__(
        self, *, timeout: float, max_json_bytes: int, allow_link_local: bool, jupyter_port
    ):
        self.timeout = timeout
        self.max_json_bytes = max_json_bytes
        self.allow_link_local = allow_link_local
        self.jupyter_port = jupyter_port
        # Our own instances (closing them on stop must not close Jupyter's shared client): JSON
        # answers are held in memory, so capped; artifact downloads stream without a cap.
        self._json = AsyncHTTPClient(
            force_instance=True, max_clients=16, max_body_size=max_json_bytes
        )
        self._stream = AsyncHTTPClient(force_instance=True, max_clients=4, max_body_size=1 << 50)

    def close(self) -> None:
        self._json.close()
        self._stream.close()

    async def fetch(
        self,
        workspace: Workspace,
        method: str,
        path: str,
        *,
        query: str = "",
        body: bytes | None = None,
        content_type: str | None = None,
        streaming_callback=None,
        header_callback=None,
        timeout: float | None = None,
    ) -> HTTPResponse:
        """Send one request to ``workspace``'s tracking server; raise WorkspaceError on failure.

        HTTP error statuses are returned, not raised: MLflow's own error body is the message.
        """
        if not workspace.url:
            raise WorkspaceError(
                "This workspace has no tracking server address to browse",
                status=409,
                reason="not_browsable",
            )
        await check_target(
            workspace.url, allow_link_local=self.allow_link_local, jupyter_port=self.jupyter_port
        )
        url = upstream_url(workspace.url, path, query or "")
        headers = {"Accept": "application/json", **workspace.credentials.headers()}
        if content_type:
            headers["Content-Type"] = content_type
        if workspace.mlflow_workspace:
            headers["X-MLFLOW-WORKSPACE"] = workspace.mlflow_workspace
        seen = {"length": 0}
        if header_callback is None:
            # Remember the announced size: tornado reports an over-cap body as a closed stream.
            def header_callback(line: str) -> None:
                if line.lower().startswith("content-length:"):
                    seen["length"] = int(line.split(":", 1)[1].strip() or 0)

        request = HTTPRequest(
            url,
            method=method,
            headers=headers,
            body=body if method in ("POST", "PUT", "PATCH", "DELETE") else None,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            connect_timeout=min(10.0, timeout or self.timeout),
            request_timeout=timeout or self.timeout,
            streaming_callback=streaming_callback,
            header_callback=header_callback,
            decompress_response=True,
        )
        try:
            client = self._json if streaming_callback is None else self._stream
            response = await client.fetch(request, raise_error=False)
        except Exception as error:  # noqa: BLE001 - every transport failure gets one plain message
            if streaming_callback is None and seen["length"] > self.max_json_bytes:
                raise WorkspaceError(
                    f"The tracking server's answer ({seen['length']} bytes) is larger than the "
                    "proxy's limit (c.MlflowWorkspaceApp.max_json_bytes)",
                    status=502,
                    reason="too_large",
                ) from None
            raise classify_transport_error(error, workspace.url) from None
        if response.code == 599 and response.error is not None:
            raise classify_transport_error(response.error, workspace.url)
        if 300 <= response.code < 400:
            location = response.headers.get("Location", "")
            raise WorkspaceError(
                f"The tracking server answered with a redirect ({response.code}) to {location!r}; "
                "redirects are not followed. Use the final address as the workspace URL.",
                status=502,
                reason="redirect",
            )
        return response


def classify_transport_error(error: BaseException, url: str) -> WorkspaceError:
    """Turn a failure below HTTP into one plain sentence and a reason the UI can branch on."""
    cause = error
    if isinstance(error, HTTPClientError) and error.code == 599 and error.__cause__ is not None:
        cause = error.__cause__
    if isinstance(cause, HTTPTimeoutError) or "Timeout" in type(cause).__name__:
        return WorkspaceError(f"Timed out waiting for {url}", status=504, reason="timeout")
    if isinstance(cause, socket.gaierror):
        return WorkspaceError(
            f"The host name in {url} could not be resolved (DNS failure)", status=502, reason="dns"
        )
    if isinstance(cause, ConnectionRefusedError):
        return WorkspaceError(
            f"Connection refused by {url}: nothing is listening there", status=502, reason="refused"
        )
    if isinstance(cause, ssl.SSLError):
        return WorkspaceError(f"TLS error talking to {url}: {cause}", status=502, reason="tls")
    if isinstance(cause, HTTPStreamClosedError):
        return WorkspaceError(f"{url} closed the connection", status=502, reason="closed")
    return WorkspaceError(
        f"Could not reach {url}: {type(cause).__name__}", status=502, reason="unreachable"
    )
