"""What the run browser asks of MLflow, through our proxy, against a real server seeded with runs.

Given a real MLflow 3.x server whose store holds an experiment of 300 runs (40 of them children of
one sweep parent), seeded through MLflow's store API; when the browser pages, sorts, filters,
ranks and edits experiments through the proxy; then MLflow answers as the browser's models expect.
"""

import json
import secrets

import pytest
from seeded_runs import PARENT_TAG, seed_runs

NS = "mlflow-workspace/api/workspaces"
RUNS = 300
CHILDREN = 40


@pytest.fixture(scope="module")
def seeded(mlflow_server):
    return seed_runs(
        f"sqlite:///{mlflow_server.data_dir / 'mlflow.db'}",
        str(mlflow_server.data_dir / "artifacts"),
        f"browser-{secrets.token_hex(4)}",
        runs=RUNS,
        sweep_children=CHILDREN,
    )


@pytest.fixture
def extension_config(extension_config, mlflow_server):
    workspaces = [{"id": "remote", "name": "Remote", "url": mlflow_server.url}]
    return {**extension_config, "workspaces": workspaces}


async def _post(jp_fetch, path, body):
    response = await jp_fetch(
        NS, "remote", "mlflow", path, method="POST", body=json.dumps(body), raise_error=False
    )
    return response.code, json.loads(response.body or b"{}")


async def _search(jp_fetch, seeded, **fields):
    return await _post(
        jp_fetch, "api/2.0/mlflow/runs/search",
        {"experiment_ids": [seeded.experiment_id], **fields},
    )  # fmt: skip


async def test_forward_paging_reaches_every_run_once(jp_fetch, seeded):
    seen, token, pages = [], None, 0
    while True:
        fields = {"max_results": 100, **({"page_token": token} if token else {})}
        code, body = await _search(jp_fetch, seeded, **fields)
        assert code == 200
        seen += [r["info"]["run_id"] for r in body["runs"]]
        pages += 1
        token = body.get("next_page_token")
        if not token:
            break
    # The 300 runs and the sweep parent, each once.
    assert pages == 4
    assert len(seen) == len(set(seen)) == RUNS + 1
    assert set(seen) == {*seeded.run_ids, seeded.parent_id}


@pytest.mark.parametrize(("direction", "reverse"), [("ASC", False), ("DESC", True)])
async def test_server_side_sort_by_a_metric(jp_fetch, seeded, direction, reverse):
    code, body = await _search(
        jp_fetch, seeded, max_results=50, order_by=[f"metrics.`loss` {direction}"]
    )
    assert code == 200
    losses = [_metric(r, "loss") for r in body["runs"]]
    expected = sorted((v["metrics"]["loss"] for v in seeded.logged.values()), reverse=reverse)
    assert losses == pytest.approx(expected[:50])


async def test_filter_syntax_of_the_browser_is_mlflows(jp_fetch, seeded):
    code, body = await _search(
        jp_fetch, seeded, max_results=1000,
        filter="params.model = 'ridge' AND metrics.loss < 0.5 AND attributes.status = 'FINISHED'",
    )  # fmt: skip
    assert code == 200
    expected = {
        run_id
        for run_id, v in seeded.logged.items()
        if v["params"]["model"] == "ridge" and v["metrics"]["loss"] < 0.5
    }
    assert expected  # the seed has some
    assert {r["info"]["run_id"] for r in body.get("runs", [])} == expected


@pytest.mark.parametrize(
    "bad",
    ["metrics.loss <", "params.model = 'ridge", "metrics.loss < 1 OR metrics.loss > 2"],
)
async def test_a_syntax_error_comes_back_as_invalid_parameter_value(jp_fetch, seeded, bad):
    # The browser tells a syntax error from an outage by exactly this status and code.
    code, body = await _search(jp_fetch, seeded, max_results=1, filter=bad)
    assert code == 400
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert body["message"]


async def test_top_n_by_metric_under_a_filter(jp_fetch, seeded):
    code, body = await _search(
        jp_fetch, seeded, max_results=5, filter="params.model = 'forest'",
        order_by=["metrics.`accuracy` DESC"],
    )  # fmt: skip
    forest = [v["metrics"]["accuracy"] for v in seeded.logged.values()
              if v["params"]["model"] == "forest"]  # fmt: skip
    assert [_metric(r, "accuracy") for r in body["runs"]] == pytest.approx(
        sorted(forest, reverse=True)[:5]
    )


async def test_sweep_children_by_parent_tag(jp_fetch, seeded):
    code, body = await _search(
        jp_fetch, seeded, max_results=1000,
        filter=f"tags.`{PARENT_TAG}` = '{seeded.parent_id}'",
        order_by=["attributes.start_time ASC"],
    )  # fmt: skip
    assert code == 200
    assert [r["info"]["run_id"] for r in body["runs"]] == seeded.child_ids


async def test_parents_beyond_the_loaded_pages_by_run_id(jp_fetch, seeded):
    # The seeded parent starts before its children, so MLflow's default order (newest first) puts
    # it after them; the table asks for it by id, with the filter tableModel.ts sends.
    code, first = await _search(jp_fetch, seeded, max_results=50)
    assert code == 200
    page = [r["info"]["run_id"] for r in first["runs"]]
    assert seeded.parent_id not in page
    wanted = [seeded.parent_id, seeded.run_ids[-1]]
    code, body = await _search(
        jp_fetch, seeded, max_results=2,
        filter=f"attributes.run_id IN ({', '.join(repr(i) for i in wanted)})",
    )  # fmt: skip
    assert code == 200
    assert {r["info"]["run_id"] for r in body["runs"]} == set(wanted)


async def test_run_details_and_logged_models_search(jp_fetch, seeded):
    run_id = seeded.run_ids[-1]
    response = await jp_fetch(
        NS, "remote", "mlflow", "api/2.0/mlflow/runs/get", params={"run_id": run_id}
    )
    run = json.loads(response.body)["run"]
    assert {p["key"]: p["value"] for p in run["data"]["params"]} == seeded.logged[run_id]["params"]
    # MLflow 3 has logged models; the browser feature-detects them with this search (404 on 2.x).
    code, body = await _post(
        jp_fetch, "api/2.0/mlflow/logged-models/search",
        {"experiment_ids": [seeded.experiment_id], "filter": f"source_run_id = '{run_id}'"},
    )  # fmt: skip
    assert code == 200
    assert body.get("models", []) == []


async def test_experiment_create_rename_delete_restore(jp_fetch, mlflow_server):
    name = f"browser-edit-{secrets.token_hex(4)}"
    code, body = await _post(jp_fetch, "api/2.0/mlflow/experiments/create", {"name": name})
    assert code == 200
    exp_id = body["experiment_id"]
    code, body = await _post(jp_fetch, "api/2.0/mlflow/experiments/create", {"name": name})
    assert (code, body["error_code"]) == (400, "RESOURCE_ALREADY_EXISTS")

    new_name = name + " (renamed)"
    code, _ = await _post(
        jp_fetch, "api/2.0/mlflow/experiments/update",
        {"experiment_id": exp_id, "new_name": new_name},
    )  # fmt: skip
    assert code == 200
    assert _experiment(mlflow_server, exp_id) == (new_name, "active")

    code, _ = await _post(jp_fetch, "api/2.0/mlflow/experiments/delete", {"experiment_id": exp_id})
    assert code == 200
    assert _experiment(mlflow_server, exp_id) == (new_name, "deleted")
    code, body = await _post(
        jp_fetch, "api/2.0/mlflow/experiments/search",
        # POST search needs max_results (0 is refused); the browser always sends it.
        {"filter": f"name = '{new_name}'", "view_type": "DELETED_ONLY", "max_results": 10},
    )  # fmt: skip
    assert code == 200, body
    assert [e["experiment_id"] for e in body["experiments"]] == [exp_id]

    code, _ = await _post(jp_fetch, "api/2.0/mlflow/experiments/restore", {"experiment_id": exp_id})
    assert code == 200
    assert _experiment(mlflow_server, exp_id) == (new_name, "active")


async def test_run_writes_stay_refused(jp_fetch, seeded):
    # The browser edits experiments only; deleting runs is not in the table.
    code, body = await _post(jp_fetch, "api/2.0/mlflow/runs/delete", {"run_id": seeded.run_ids[0]})
    assert code == 403
    assert body["reason"] == "not_allowed"


def _metric(run, key):
    return next(m["value"] for m in run["data"]["metrics"] if m["key"] == key)


def _experiment(server, exp_id):
    body = server.call("GET", "/api/2.0/mlflow/experiments/get", params={"experiment_id": exp_id})
    return body["experiment"]["name"], body["experiment"]["lifecycle_stage"]
