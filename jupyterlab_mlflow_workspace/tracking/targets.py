"""Which hosts a workspace URL may point at.

By default any host the user configures is allowed, except link-local / cloud-metadata addresses
(unless the admin allows them) and this Jupyter server itself (the proxy must not become a way to
call Jupyter's own API with the server's identity).
"""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

from ..errors import UserError

_METADATA = {
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_addresses(address):
    """The address plus every IPv4 address it carries (mapped, 6to4, Teredo, NAT64 forms).

    Why: ``[::ffff:169.254.169.254]`` reaches the IPv4 address, so each class must be judged by
    the IPv4 address underneath, not by the IPv6 spelling.
    """
    found = [address]
    if isinstance(address, ipaddress.IPv6Address):
        for inner in (address.ipv4_mapped, address.sixtofour):
            if inner is not None:
                found.append(inner)
        if address.teredo is not None:
            found.extend(address.teredo)
        if address in _NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def classify_address(address) -> str | None:
    """Why an address is refused as an upstream ("metadata", "link_local", ...), or None."""
    found = embedded_addresses(ipaddress.ip_address(address))
    # Why: an IPv6 spelling of an IPv4 address (::ffff:0:0/96 counts as "reserved") is judged
    # by the IPv4 address it reaches.
    for one in found[1:] or found:
        if one in _METADATA:
            return "metadata"
        if one.is_link_local:
            return "link_local"
        if one.is_unspecified:
            return "unspecified"
        if one.is_multicast:
            return "multicast"
        if one.is_reserved and not one.is_loopback:  # ::1 sits in IPv6's reserved ::/8
            return "reserved"
    return None


def parse_url(url: str):
    """Split a workspace URL, refusing what can never be a tracking server address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UserError(f"Not a valid URL: {error}", status=400, reason="bad_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            "The tracking URL must start with http:// or https:// and name a host",
            status=400,
            reason="bad_url",
        )
    if (
        "\\" in url
        or parts.query
        or parts.fragment
        or "?" in url
        or "#" in url
        or ";" in parts.path
    ):
        # Why: the proxy appends MLflow paths; a query or fragment would swallow them and
        # reach routes outside the allowlist.
        raise UserError(
            "The tracking URL must not contain a query (?), fragment (#), parameters (;) or backslash",
            status=400,
            reason="bad_url",
        )
    if parts.username or parts.password or "@" in parts.netloc:
        raise UserError(
            "The URL carries credentials; remove them and use the token or username/password fields below",
            status=400,
            reason="credentials_in_url",
        )
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def owns_address(address) -> bool:
    """True when ``address`` reaches this machine: loopback, unspecified, or one of its interfaces.

    Why at request time: Jupyter listening on all interfaces (containers, JupyterHub pods) is
    reachable through the pod's own address, which no fixed list knows. The kernel answers
    the question exactly: only a local address can be bound.
    """
    found = embedded_addresses(ipaddress.ip_address(address))
    if any(one.is_loopback or one.is_unspecified for one in found):
        return True
    for one in found:
        family = socket.AF_INET6 if one.version == 6 else socket.AF_INET
        try:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.bind((str(one), 0))
            return True
        except OSError:
            continue
    return False


def _ports(jupyter_port) -> set[int]:
    if jupyter_port is None:
        return set()
    if callable(jupyter_port):
        jupyter_port = jupyter_port()
    if isinstance(jupyter_port, int):
        return {jupyter_port}
    return {int(p) for p in jupyter_port}


def check_address(address: str, port: int, *, allow_link_local: bool, jupyter_port) -> None:
    """Raise a 403 UserError when connecting to ``address``:``port`` must not happen.

    ``jupyter_port`` is the port (or ports, or a function giving them) this Jupyter server
    listens on, read at request time.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    refused = classify_address(ip)
    if refused in ("unspecified", "multicast", "reserved") and not (
        refused == "unspecified" and port in _ports(jupyter_port)
    ):
        raise UserError(
            f"The URL points at a {refused} address, which is refused",
            status=403,
            reason="forbidden_host",
        )
    if not allow_link_local and refused in ("link_local", "metadata"):
        raise UserError(
            "Link-local and cloud metadata addresses are refused (an admin can allow them "
            "with c.MlflowWorkspaceApp.allow_link_local = True)",
            status=403,
            reason="forbidden_host",
        )
    if port in _ports(jupyter_port) and owns_address(ip):
        raise UserError(
            "The URL points at this Jupyter server itself, which is refused",
            status=403,
            reason="forbidden_host",
        )


async def check_target(url: str, *, allow_link_local: bool, jupyter_port) -> None:
    """Raise a 403 UserError when ``url`` points somewhere the proxy must not go.

    A pre-check for a clear answer before anything is sent; the proxy's clients check again
    at connect time (tracking/resolver.py), which is what closes DNS rebinding.
    """
    host, port = parse_url(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        # Let the request itself fail with the DNS message; nothing to check.
        return
    for info in infos:
        check_address(
            info[4][0], port, allow_link_local=allow_link_local, jupyter_port=jupyter_port
        )


def upstream_url(base: str, path: str, query: str = "") -> str:
    """The upstream URL for an MLflow ``path`` under workspace URL ``base``, built from parsed parts.

    Why: string concatenation let a ``#`` or ``?`` in the stored URL swallow the checked path.
    """
    parse_url(base)
    parts = urlsplit(base)
    return urlunsplit(
        (parts.scheme, parts.netloc, f"{parts.path.rstrip('/')}/{path.lstrip('/')}", query, "")
    )
