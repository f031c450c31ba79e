"""The one HTTP client to tracking servers, and the one mapping of its failures.

Redirects are never followed (a 3xx becomes a clear 502): following one would let a tracking
server send our credentials, or the browser's request, to a host nobody configured. Every
connection goes through the checking resolver, so the address dialled is the address checked.
Each upstream host has its own gate: a slow server queues its own requests, not everyone's.
"""

import asyncio
import io
import socket
import ssl
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPStreamClosedError, HTTPTimeoutError

from ..errors import UserError
from ..workspaces.model import Workspace
from .resolver import CheckingResolver
from .targets import check_address, parse_url, upstream_url


class _TooLarge(Exception):
    """Raised from the body callback: the answer passed the cap, chunked or not."""


class Upstream:
    def __init__(
        self,
        *,
        timeout: float,
        max_json_bytes: int,
        allow_link_local: bool,
        jupyter_ports=None,
        per_host: int = 8,
        queue_wait: float | None = None,
    ):
        self.timeout = timeout
        self.max_json_bytes = max_json_bytes
        self.allow_link_local = allow_link_local
        # A function: Jupyter's ports are final only after the extension loads (port retries,
        # --port=0), so they are read at connect time.
        self.jupyter_ports = jupyter_ports or (lambda: set())
        self.per_host = per_host
        # How long a request may wait behind others to the same host before "busy"; separate
        # from the connect and answer timeouts, which start only once it is sent.
        self.queue_wait = timeout if queue_wait is None else queue_wait
        self._gates: dict[tuple, asyncio.Semaphore] = {}
        self._resolver = CheckingResolver(check=self._check_connect)
        # Our own instance (closing it on stop must not close Jupyter's shared client). Its
        # queue is never the limit: the per-host gates are.
        self._client = AsyncHTTPClient(
            force_instance=True, max_clients=256, resolver=self._resolver
        )

    def close(self) -> None:
        self._client.close()
        self._resolver.close()

    def _check_connect(self, _host: str, address: str, port: int) -> None:
        check_address(
            address,
            port,
            allow_link_local=self.allow_link_local,
            jupyter_port=self.jupyter_ports,
        )

    async def fetch(
        self,
        workspace: Workspace,
        method: str,
        path: str,
        *,
        query: str = "",
        body: bytes | None = None,
        content_type: str | None = None,
        timeout: float | None = None,
    ) -> HTTPResponse:
        """Send one request to ``workspace``'s tracking server; raise UserError on failure.

        HTTP error statuses are returned, not raised: MLflow's own error body is the message.
        """
        if not workspace.url:
            raise UserError(
                "This workspace has no tracking server address to browse",
                status=409,
                reason="not_browsable",
            )
        parse_url(workspace.url)  # refuses credentials, queries, fragments before anything
        url = upstream_url(workspace.url, path, query or "")
        headers = {"Accept": "application/json", **workspace.credentials.headers()}
        if content_type:
            headers["Content-Type"] = content_type
        if workspace.mlflow_workspace:
            headers["X-MLFLOW-WORKSPACE"] = workspace.mlflow_workspace
        received = bytearray()
        over = []

        def on_chunk(chunk: bytes) -> None:
            # Counted as it arrives: a chunked answer announces no size to check up front.
            # Raising ends the transfer; tornado reports it as a closed stream, hence ``over``.
            received.extend(chunk)
            if len(received) > self.max_json_bytes:
                over.append(True)
                raise _TooLarge()

        request = HTTPRequest(
            url,
            method=method,
            headers=headers,
            body=body if method in ("POST", "PUT", "PATCH", "DELETE") else None,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            connect_timeout=min(10.0, timeout or self.timeout),
            request_timeout=timeout or self.timeout,
            streaming_callback=on_chunk,
            decompress_response=True,
        )
        async with self._gate(workspace.url):
            try:
                response = await self._client.fetch(request, raise_error=False)
            except Exception as error:  # noqa: BLE001 - every transport failure gets one message
                if over:
                    raise UserError(
                        f"The tracking server's answer is larger than the proxy's limit of "
                        f"{self.max_json_bytes} bytes (c.MlflowWorkspaceApp.max_json_bytes)",
                        status=502,
                        reason="too_large",
                    ) from None
                raise classify_transport_error(error, workspace.url) from None
        if response.code == 599 and response.error is not None:
            raise classify_transport_error(response.error, workspace.url)
        if 300 <= response.code < 400:
            location = response.headers.get("Location", "")
            raise UserError(
                f"The tracking server answered with a redirect ({response.code}) to {location!r}; "
                "redirects are not followed. Use the final address as the workspace URL.",
                status=502,
                reason="redirect",
            )
        return HTTPResponse(
            request,
            response.code,
            reason=response.reason,
            headers=response.headers,
            buffer=io.BytesIO(bytes(received)),
            effective_url=response.effective_url,
        )

    def _gate(self, url: str) -> "_Gate":
        parts = urlsplit(url)
        key = (parts.scheme, (parts.hostname or "").lower(), parts.port)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = asyncio.Semaphore(self.per_host)
        return _Gate(gate, self.queue_wait, url)


class _Gate:
    """``async with``: a place among the requests in flight to one host, or a clear "busy"."""

    def __init__(self, semaphore: asyncio.Semaphore, wait: float, url: str):
        self._semaphore = semaphore
        self._wait = wait
        self._url = url

    async def __aenter__(self) -> None:
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self._wait)
        except asyncio.TimeoutError:
            raise UserError(
                f"{self._url} is still busy with earlier requests from this Jupyter server "
                f"(waited {self._wait:g} s); try again when it answers",
                status=503,
                reason="busy",
            ) from None

    async def __aexit__(self, *_exc) -> None:
        self._semaphore.release()


def classify_transport_error(error: BaseException, url: str) -> UserError:
    """Turn a failure below HTTP into one plain sentence and a reason the UI can branch on."""
    if isinstance(error, UserError):
        return error  # a refusal from the checking resolver: already in the user's words
    cause = error
    if isinstance(error, HTTPClientError) and error.code == 599 and error.__cause__ is not None:
        cause = error.__cause__
    if isinstance(cause, HTTPTimeoutError) or "Timeout" in type(cause).__name__:
        return UserError(f"Timed out waiting for {url}", status=504, reason="timeout")
    if isinstance(cause, socket.gaierror):
        return UserError(
            f"The host name in {url} could not be resolved (DNS failure)", status=502, reason="dns"
        )
    if isinstance(cause, ConnectionRefusedError):
        return UserError(
            f"Connection refused by {url}: nothing is listening there", status=502, reason="refused"
        )
    if isinstance(cause, ssl.SSLError):
        return UserError(f"TLS error talking to {url}: {cause}", status=502, reason="tls")
    if isinstance(cause, HTTPStreamClosedError):
        return UserError(f"{url} closed the connection", status=502, reason="closed")
    return UserError(
        f"Could not reach {url}: {type(cause).__name__}", status=502, reason="unreachable"
    )
