"""Target check classes from issue 15 (items 1, 3, 4): each input stands for a class of bypass."""

import asyncio

import pytest

from jupyterlab_mlflow_workspace.errors import UserError
from jupyterlab_mlflow_workspace.tracking.targets import check_target

JUPYTER_PORT = 8841


def refused(url: str) -> str:
    try:
        asyncio.run(check_target(url, allow_link_local=False, jupyter_port=JUPYTER_PORT))
    except UserError as error:
        return error.reason
    return ""


@pytest.mark.parametrize(
    "url",
    [
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[2002:a9fe:a9fe::1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://100.100.100.200/",
        "http://168.63.129.16/",
        "http://0.0.0.0:5000/",
        "http://224.0.0.1/",
    ],
)
def test_embedded_metadata_and_special_ranges_are_refused(url):
    assert refused(url) == "forbidden_host"


@pytest.mark.parametrize(
    "url",
    [
        f"http://0.0.0.0:{JUPYTER_PORT}/",
        f"http://0:{JUPYTER_PORT}/",
        f"http://[::ffff:127.0.0.1]:{JUPYTER_PORT}/",
    ],
)
def test_this_jupyter_server_in_any_spelling_is_refused(url):
    assert refused(url) == "forbidden_host"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5000/x#",
        "http://127.0.0.1:5000/x?a=1",
        "http://127.0.0.1:5000/x;p",
        "http://127.0.0.1:5000\\x",
    ],
)
def test_query_fragment_params_backslash_are_refused(url):
    assert refused(url) == "bad_url"


def test_a_plain_loopback_tracking_server_is_allowed():
    assert refused("http://127.0.0.1:5000/") == ""


def test_upstream_url_is_built_from_parts():
    from jupyterlab_mlflow_workspace.tracking.targets import upstream_url

    assert upstream_url("http://h:5000/p/", "api/2.0/mlflow/runs/get", "run_id=1") == (
        "http://h:5000/p/api/2.0/mlflow/runs/get?run_id=1"
    )
    with pytest.raises(UserError):
        upstream_url("http://h:5000/api/2.0/mlflow/users/get#", "api/2.0/mlflow/runs/get")
