"""The Deploy dialog's Azure checks against the SDKs' own (issue 14).

For a table of values per field, whatever the dialog accepts the SDK accepts, and whatever the SDK
rejects the dialog rejects first (with its own, plainer message). The SDK gets the value the cell
would carry: the dialog trims what is typed. The dialog may be stricter where
Azure's service is stricter than the SDK's offline check (ACI's 4 cores / 16 GB). The SDK side runs
the SDK's real validation functions in their own virtualenvs, offline; the dialog side is the
built TypeScript through ``tests/node/azure_deploy_cli.js``.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from test_azure_cells import ensure_azure_venv
from test_azure_deploy import bridge  # noqa: F401 - fixture
from test_azure_deploy_offline import deploy_gen  # noqa: F401 - fixture

NAMES = [
    "", "a", "ab", "abc", "a-b", "a--b", "abc-", "-abc", "1abc", "Abc", "aBC9", "a" * 32,
    "a" * 33, "abc_d", "abc.d", "ab c", "ümlaut", "abc\n", "x" * 3 + "-" + "y" * 28,
]  # fmt: skip
SIZES = ["0", "-1", "0.1", "0.5", "1", "2.5", "4", "16", "100"]

V2_NAMES = """
import json, sys
from azure.ai.ml.entities._endpoint._endpoint_helpers import validate_endpoint_or_deployment_name
out = []
for name, is_deployment in json.load(sys.stdin):
    try:
        validate_endpoint_or_deployment_name(name, is_deployment=is_deployment)
        out.append(None)
    except Exception as exc:
        out.append(str(exc))
print(json.dumps(out))
"""
V1_CHECKS = """
import json, sys
from azureml.core.webservice import AciWebservice, AksWebservice  # first: azureml-core's import order
from azureml._model_management._util import webservice_name_validation
out = []
for kind, a, b in json.load(sys.stdin):
    try:
        if kind == "name":
            webservice_name_validation(a)
        elif kind == "aci":
            AciWebservice.deploy_configuration(cpu_cores=a, memory_gb=b)
        else:
            AksWebservice.deploy_configuration(cpu_cores=a, memory_gb=b)
        out.append(None)
    except Exception as exc:
        out.append(str(exc))
print(json.dumps(out))
"""


def _sdk(venv: str, script: str, cases: list) -> list:
    python = ensure_azure_venv(venv)
    proc = subprocess.run(
        [python, "-c", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "AZUREML_CURRENT_CLOUD": "AzureCloud", "HOME": "/tmp"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def _dialog(deploy_gen, target: str, **values) -> dict:  # noqa: F811
    form = deploy_gen(target, "defaults")
    form.update(values)
    return deploy_gen(target, "validate", form)


def _agree(rows):
    """rows: (value, dialog message or None, SDK message or None)."""
    problems = []
    for value, dialog, sdk in rows:
        if dialog is None and sdk is not None:
            problems.append(f"{value!r}: the dialog accepts what the SDK rejects ({sdk})")
    assert not problems, "\n".join(problems)
    # The table is not vacuous: both sides accept some values and reject others.
    assert {d is None for _, d, _ in rows} == {True, False}
    assert {s is None for _, _, s in rows} == {True, False}


@pytest.mark.parametrize("field", ["endpoint", "deployment"])
@pytest.mark.parametrize("target", ["azure-managed-online", "azure-kubernetes-online"])
def test_online_names_agree_with_azure_ai_ml(deploy_gen, target, field):  # noqa: F811
    sdk = _sdk("v2", V2_NAMES, [[name.strip(), field == "deployment"] for name in NAMES])
    rows = []
    for name, sdk_message in zip(NAMES, sdk, strict=True):
        errors = _dialog(deploy_gen, target, compute="k8s-compute", **{field: name})
        rows.append((name, errors.get(field), sdk_message))
    _agree(rows)


@pytest.mark.parametrize("target", ["azure-aci", "azure-aks"])
def test_service_names_and_sizes_agree_with_azureml_core(deploy_gen, target):  # noqa: F811
    kind = "aks" if target == "azure-aks" else "aci"
    sizes = [(float(c), float(m)) for c in SIZES for m in ("1",)] + [(1.0, float(m)) for m in SIZES]
    sdk = _sdk(
        "v1",
        V1_CHECKS,
        [["name", name.strip(), None] for name in NAMES] + [[kind, c, m] for c, m in sizes],
    )
    sdk_names, sdk_sizes = sdk[: len(NAMES)], sdk[len(NAMES) :]
    rows = []
    for name, sdk_message in zip(NAMES, sdk_names, strict=True):
        errors = _dialog(deploy_gen, target, compute="aks-prod", service=name)
        rows.append((name, errors.get("service"), sdk_message))
    _agree(rows)
    rows = []
    for (cpu, memory), sdk_message in zip(sizes, sdk_sizes, strict=True):
        errors = _dialog(deploy_gen, target, compute="aks-prod", cpu=str(cpu), memory=str(memory))
        rows.append(((cpu, memory), errors.get("cpu") or errors.get("memory"), sdk_message))
    _agree(rows)
