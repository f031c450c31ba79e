"""Every route of the extension refuses requests without Jupyter credentials.

The walk reads the running server's own routing table, so a route added later is covered without
touching this test.
"""

import re

import pytest
from tornado.routing import PathMatches, Rule
from tornado.web import RequestHandler

from jupyterlab_mlflow_workspace.routes import NAMESPACE

VERBS = ("get", "post", "put", "patch", "delete")


def _our_rules(router):
    for rule in getattr(router, "rules", []):
        if isinstance(rule.target, (list, tuple)) or hasattr(rule.target, "rules"):
            yield from _our_rules(rule.target)
        elif isinstance(rule, Rule) and isinstance(rule.matcher, PathMatches):
            if f"/{NAMESPACE}/" in rule.matcher.regex.pattern:
                yield rule.matcher.regex.pattern, rule.target


_CANDIDATES = ("x", "0123abcd", "start", "a/b")


def _sample_path(pattern):
    """A path the route really matches: each capture group gets a value its regex accepts
    (a path that matches no route would be answered by Jupyter's fallback, not by our handler)."""

    def fill(group):
        inner = re.sub(r"^\(\?P<[^>]+>", "", group.group(0))[:-1]
        return next(c for c in _CANDIDATES if re.fullmatch(inner, c))

    path = re.sub(r"\((?:\?P<[^>]+>)?[^()]*\)", fill, pattern)
    return path.rstrip("$").replace("\\", "")


def _handler_verbs(handler):
    """The verbs a handler really implements (tornado's default answers 405)."""
    return [
        verb for verb in VERBS if getattr(handler, verb) is not RequestHandler._unimplemented_method
    ]


def _is_decorated_authenticated(method):
    # tornado.web.authenticated wraps with functools.wraps; its inner function is "authenticated.<locals>.wrapper".
    code = getattr(method, "__code__", None)
    return (
        hasattr(method, "__wrapped__")
        and code is not None
        and (code.co_qualname.startswith("authenticated"))
    )


@pytest.fixture
def routes(jp_web_app):
    found = list(_our_rules(jp_web_app.default_router))
    assert found, "no route of the extension is registered"
    return found


async def test_route_table_is_walked(routes):
    paths = [_sample_path(pattern) for pattern, _ in routes]
    assert any(path.endswith(f"/{NAMESPACE}/info") for path in paths)


async def test_every_verb_is_decorated_authenticated(routes):
    # Jupyter only enforces auth on undecorated verbs when allow_unauthenticated_access=False;
    # the decorator keeps our routes closed on servers that still default to True.
    undecorated = [
        (handler.__name__, verb)
        for _, handler in routes
        for verb in _handler_verbs(handler)
        if not _is_decorated_authenticated(getattr(handler, verb))
    ]
    assert not undecorated


async def test_every_route_refuses_unauthenticated_requests(routes, http_server_client):
    # http_server_client talks to the test server without Jupyter's token (jp_fetch adds it).
    checked = []
    for pattern, handler in routes:
        path = _sample_path(pattern)
        for verb in _handler_verbs(handler):
            body = b"{}" if verb in ("post", "put", "patch") else None
            response = await http_server_client.fetch(
                path,
                method=verb.upper(),
                body=body,
                raise_error=False,
                allow_nonstandard_methods=True,
            )
            checked.append((verb, path, response.code))
    assert checked
    assert all(path.count("/mlflow-workspace/") == 1 for _, path, _ in checked)
    not_refused = [entry for entry in checked if entry[2] != 403]
    assert not not_refused, f"routes answered without credentials: {not_refused}"


async def test_wrong_token_is_refused(http_server_client, jp_base_url):
    response = await http_server_client.fetch(
        f"{jp_base_url}{NAMESPACE}/info",
        headers={"Authorization": "token not-the-token"},
        raise_error=False,
    )
    assert response.code == 403
