"""Issue 15 item 9: every route asks Jupyter's Authorizer, with "execute" for anything that starts
a process or runs a model, so a deployment with a custom Authorizer can restrict them."""

import json

import pytest
from jupyter_server.auth import Authorizer

NS = "mlflow-workspace/api"
ASKED: list[tuple[str, str]] = []


class NoExecute(Authorizer):
    """Allows reading and writing everything, and executing nothing of this extension."""

    def is_authorized(self, handler, user, action, resource):
        if resource == "mlflow_workspace":
            ASKED.append((action, handler.request.path))
            return action != "execute"
        return True


@pytest.fixture
def jp_server_config(jp_server_config):
    return {
        **jp_server_config,
        "ServerApp": {**jp_server_config["ServerApp"], "authorizer_class": NoExecute},
    }


async def _call(jp_fetch, *parts, method="GET", body=None):
    response = await jp_fetch(
        NS, *parts, method=method, body=None if body is None else json.dumps(body),
        raise_error=False,
    )  # fmt: skip
    return response.code


@pytest.mark.parametrize(
    ("parts", "body"),
    [
        (("deployments",), {"target": "local", "model_uri": "runs:/abc/model"}),
        (("deployments", "preflight"), {"target": "local", "model_uri": "runs:/abc/model"}),
        (("deployments", "0123abcd", "invocations"), {"inputs": [[1]]}),
        (("local", "start"), {}),
        (("bridge", "connect"), {}),
    ],
)
async def test_what_runs_a_process_or_a_model_needs_execute(jp_fetch, parts, body):
    ASKED.clear()
    assert await _call(jp_fetch, *parts, method="POST", body=body) == 403
    assert ASKED and ASKED[-1][0] == "execute"


async def test_reading_and_writing_still_work(jp_fetch):
    ASKED.clear()
    assert await _call(jp_fetch, "deployments") == 200
    assert await _call(jp_fetch, "workspaces") == 200
    assert await _call(jp_fetch, "local") == 200
    assert {action for action, _ in ASKED} == {"read"}
