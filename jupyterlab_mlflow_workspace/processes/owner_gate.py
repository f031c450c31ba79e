"""The only door to the servers the extension starts: a loopback port that admits its owner alone.

On a shared host (JupyterHub, TLJH, a lab server) 127.0.0.1 is reachable by every Unix user, and
MLflow's tracking and scoring servers check nobody. So those servers listen on a Unix socket in a
0700 folder (another user cannot even connect), and the loopback port that notebooks, kernels and
`curl` use is this gate, run on Jupyter's event loop. For each connection the kernel's socket
table names the Unix user that holds the client end; a process of Jupyter's own user is relayed
byte for byte, anyone else gets an HTTP 403 that says why, and nothing reaches the server.

Why not MLflow's basic-auth app: its credentials would have to reach every process of the owner
(plain setup cells, papermill, `curl`), and MLflow sends environment credentials to *every*
tracking server a kernel talks to. Checking the connecting user needs no secret at all, and the
same gate also fronts the scoring servers, which have no auth of their own.
"""

import asyncio
import contextlib
import json
import logging
import os
import pwd
import socket
import struct

HOST = "127.0.0.1"
_HEAD_LIMIT = 64 * 1024
_CHUNK = 256 * 1024


def owner_name(uid: int | None = None) -> str:
    uid = os.geteuid() if uid is None else uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _hex(address: tuple[str, int]) -> str:
    """('127.0.0.1', 8080) → '0100007F:1F90', as /proc/net/tcp writes it (little-endian IPv4)."""
    host, port = address
    return f"{socket.inet_aton(host)[::-1].hex().upper()}:{port:04X}"


_SOCK_DIAG_BY_FAMILY = 20
_NETLINK_SOCK_DIAG = 4
_NLMSG_ERROR = 2


def _diag_uid(peer: tuple[str, int], local: tuple[str, int]) -> int | None:
    """The Unix user holding the client end of the loopback connection ``peer`` → ``local``.

    Both ends live in this network namespace, so the kernel knows the client socket's owner:
    one exact sock_diag lookup by 4-tuple (tens of microseconds). None when there is no such
    socket; OSError where sock_diag is missing (then ``_table_uid`` reads /proc/net/tcp).
    """
    sockid = struct.pack(
        "!HH16s16s", peer[1], local[1],
        socket.inet_aton(peer[0]).ljust(16, b"\0"), socket.inet_aton(local[0]).ljust(16, b"\0"),
    ) + struct.pack("=III", 0, 0xFFFFFFFF, 0xFFFFFFFF)  # any interface, no cookie  # fmt: skip
    request = struct.pack("=BBBxI", socket.AF_INET, socket.IPPROTO_TCP, 0, 0xFFFFFFFF) + sockid
    header = struct.pack("=IHHII", 16 + len(request), _SOCK_DIAG_BY_FAMILY, 1, 1, 0)  # REQUEST
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG) as diag:
        diag.settimeout(1.0)
        diag.sendto(header + request, (0, 0))
        answer = diag.recv(8192)
    _, kind = struct.unpack_from("=IH", answer)
    if kind == _NLMSG_ERROR:
        (errno,) = struct.unpack_from("=i", answer, 16)
        if errno in (-2, 0):  # ENOENT: no such socket
            return None
        raise OSError(-errno, "sock_diag refused the lookup")
    # nlmsghdr (16) + family/state/timer/retrans (4) + sockid (48) + expires/rqueue/wqueue (12)
    (uid,) = struct.unpack_from("=I", answer, 80)
    return uid


def _table_uid(peer: tuple[str, int], local: tuple[str, int]) -> int | None:
    try:
        with open("/proc/net/tcp") as handle:
            table = handle.read()
    except OSError:
        return None
    at = table.find(f" {_hex(peer)} {_hex(local)} ")  # by its text: parsing all rows is slow
    if at < 0:
        return None
    cols = table[at : table.find("\n", at)].split()
    try:
        return int(cols[6])  # local, remote, state, queues, timer, retransmits, uid
    except (IndexError, ValueError):
        return None


class OwnerGate:
    """Listen on 127.0.0.1:``port``; relay this Unix user's connections to ``socket_path``."""

    def __init__(
        self, socket_path: str, *, what: str, log=None, owner_uid: int | None = None, tap=None
    ):
        self.socket_path = socket_path
        # tap(): a new watcher per admitted connection (monitor/tap.py), fed copies of the bytes
        self.tap = tap
        self.owner_uid = os.geteuid() if owner_uid is None else owner_uid
        self.what = what  # "local MLflow server", "local web service 'iris'": said in refusals
        self._log = log
        self._server: asyncio.AbstractServer | None = None
        self._port: int | None = None
        self._tasks: set[asyncio.Task] = set()
        self.refused = 0  # connections refused since start (shown in tests and logs)

    @property
    def port(self) -> int | None:
        return self._port if self._server is not None else None

    async def start(self, port: int) -> int:
        """Bind the port (0: any free one) and return it; OSError when it is taken."""
        if self._server is not None:
            return self._port
        self._server = await asyncio.start_server(
            self._handle, HOST, port, reuse_address=True, limit=_HEAD_LIMIT
        )
        self._port = self._server.sockets[0].getsockname()[1]
        return self._port

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(Exception):
                await server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            peer = writer.get_extra_info("peername")[:2]
            local = writer.get_extra_info("sockname")[:2]
            try:
                uid = _diag_uid(peer, local)
            except OSError:  # no sock_diag here: the table is read off the loop (it can be long)
                loop = asyncio.get_running_loop()
                uid = await loop.run_in_executor(None, _table_uid, peer, local)
            if uid != self.owner_uid:
                self.refused += 1
                if self._log:
                    self._log.warning(
                        "Refused a connection to the %s from %s (not its owner)",
                        self.what, "an unknown user" if uid is None else owner_name(uid),
                    )  # fmt: skip
                await self._refuse(reader, writer, 403, self._not_yours(uid))
                return
            try:
                up_reader, up_writer = await asyncio.open_unix_connection(
                    self.socket_path, limit=_CHUNK
                )
            except OSError:
                await self._refuse(
                    reader, writer, 503,
                    f"The {self.what} is not running right now (starting or restarting); "
                    "try again in a moment.",
                )  # fmt: skip
                return
            tap = self.tap() if self.tap is not None else None
            await asyncio.gather(
                _pipe(reader, up_writer, tap and tap.from_client),
                _pipe(up_reader, writer, tap and tap.from_server),
                return_exceptions=True,
            )
            if tap is not None:
                tap.closed()
        except asyncio.CancelledError:
            pass
        finally:
            _close(writer)
            self._tasks.discard(task)

    def _not_yours(self, uid: int | None) -> str:
        who = "another user" if uid is None else f"the Unix user {owner_name(uid)!r}"
        return (
            f"This {self.what} belongs to the Unix user {owner_name(self.owner_uid)!r} and "
            "admits only that "
            f"user's processes; this request came from {who}. Use your own Jupyter's local "
            "server, or ask for a shared MLflow server (see the README's Teams section)."
        )

    async def _refuse(self, reader, writer, status: int, message: str) -> None:
        # Read the request head first: closing with unread data makes the client see a reset
        # instead of the answer.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2.0)
        code = "PERMISSION_DENIED" if status == 403 else "TEMPORARILY_UNAVAILABLE"
        body = json.dumps({"error_code": code, "message": message}).encode()
        reason = "Forbidden" if status == 403 else "Service Unavailable"
        head = (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        with contextlib.suppress(Exception):
            writer.write(head.encode("latin-1") + body)
            await asyncio.wait_for(writer.drain(), 5.0)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen=None) -> None:
    try:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            if seen is not None:
                _watch(seen, data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()  # half-close: the other direction may still be answering
    except (ConnectionError, OSError):
        _close(writer)


def _watch(seen, data: bytes) -> None:
    try:
        seen(data)
    except Exception:  # noqa: BLE001 - watching must never break the relay
        logging.getLogger(__name__).exception("The request monitor failed on a chunk")


def _close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(Exception):
        writer.close()


async def unix_get(socket_path: str, path: str, timeout: float = 2.0) -> int | None:
    """Status of ``GET path`` on the server behind the Unix socket (None: no answer)."""

    async def ask() -> int | None:
        reader, writer = await asyncio.open_unix_connection(socket_path)
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            parts = (await reader.readline()).split()
            return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        finally:
            _close(writer)

    try:
        return await asyncio.wait_for(ask(), timeout)
    except (OSError, asyncio.TimeoutError, ValueError):
        return None
