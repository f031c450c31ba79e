"""Which hosts a workspace URL may point at.

By default any host the user configures is allowed, except link-local / cloud-metadata addresses
(unless the admin allows them) and this Jupyter server itself (the proxy must not become a way to
call Jupyter's own API with the server's identity).
"""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from ..handlers.base import WorkspaceError

_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


def parse_url(url: str):
    """Split a workspace URL, refusing what can never be a tracking server address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WorkspaceError(f"Not a valid URL: {error}", status=400, reason="bad_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WorkspaceError(
            "The tracking URL must start with http:// or https:// and name a host",
            status=400,
            reason="bad_url",
        )
    if parts.username or parts.password:
        raise WorkspaceError(
            "The URL carries credentials; remove them and use the token or username/password fields below",
            status=400,
            reason="credentials_in_url",
        )
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def check_target(url: str, *, allow_link_local: bool, jupyter_port: int | None) -> None:
    """Raise a 403 WorkspaceError when ``url`` points somewhere the proxy must not go."""
    host, port = parse_url(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        # Let the request itself fail with the DNS message; nothing to check.
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not allow_link_local and (address.is_link_local or address in _METADATA):
            raise WorkspaceError(
                "Link-local and cloud metadata addresses are refused (an admin can allow them "
                "with c.MlflowWorkspaceApp.allow_link_local = True)",
                status=403,
                reason="forbidden_host",
            )
        if address.is_loopback and jupyter_port is not None and port == jupyter_port:
            raise WorkspaceError(
                "The URL points at this Jupyter server itself, which is refused",
                status=403,
                reason="forbidden_host",
            )
