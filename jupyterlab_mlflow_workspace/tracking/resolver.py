"""The resolver both proxy clients connect through: it checks the addresses actually dialled.

Why: checking a name once and letting the HTTP client resolve it again opens a DNS-rebinding
window (a name that answers 127.0.0.2, then 169.254.169.254 with TTL 0). Here the addresses the
client connects to are the ones that were checked, for every connection, redirects aside (those
are never followed).
"""

from collections.abc import Callable

from tornado.netutil import DefaultLoopResolver, Resolver


class CheckingResolver(Resolver):
    """Resolve with the default resolver, then refuse the whole answer if any address is refused.

    ``check(host, address, port)`` raises UserError for a refused address; the error reaches
    ``AsyncHTTPClient.fetch`` unchanged, so the user sees the same sentence as a pre-check gives.
    """

    def initialize(self, check: Callable[[str, str, int], None]) -> None:  # type: ignore[override]
        self._inner = DefaultLoopResolver()
        self._check = check

    async def resolve(self, host, port, family=0):
        answer = await self._inner.resolve(host, port, family)
        for _family, sockaddr in answer:
            self._check(host, sockaddr[0], port)
        return answer

    def close(self) -> None:
        self._inner.close()
