"""Azure ML setup cells, run with the real SDKs from PyPI up to their first network call.

The cells come from the TypeScript generators (``src/snippets/azure.ts``) through the node CLI
``tests/node/azure_cli.js``, which loads the BUILT ``lib/snippets/azure.js``: run
``jlpm build:lib`` before these tests.

Each cell runs in a virtualenv of its own (created with uv on first use, see ``AZURE_VENVS``),
in a subprocess whose ``sitecustomize`` blocks every non-loopback connect and name lookup with a
distinctive ``NetworkBlocked`` error and logs the attempt with its stack. A cell "reached its
first network call" when it failed on exactly the cell line that calls Azure, every blocked
attempt came from that line, and what it built before (``MLClient``, credentials, v1 auth) holds
exactly the values we generated. Nothing Azure-side is faked. See tests/python/AZURE.md.

Pre-create the virtualenvs (CI warm-up): ``python tests/python/test_azure_cells.py --venvs``.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from venvs import ensure_venv

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".build"
CLI = ROOT / "tests" / "node" / "azure_cli.js"
LIB = ROOT / "lib" / "snippets" / "azure.js"
SRC = ROOT / "src" / "snippets" / "azure.ts"

# name → (folder under .build, exact pins). Transitive dependencies are left to uv's resolver.
AZURE_VENVS: dict[str, tuple[str, list[str]]] = {
    # SDK v2, the default: the newest azureml-mlflow, and the newest mlflow it allows.
    "v2": (
        "venv-azure-v2",
        [
            "mlflow==3.15.0",
            "azure-ai-ml==1.35.2",
            "azure-identity==1.27.0",
            "azureml-mlflow==1.62.0.post6",
        ],
    ),
    # What `pip install mlflow azure-ai-ml azure-identity azureml-mlflow` resolves to today: the
    # newest mlflow drags azureml-mlflow back to 1.60.0, a known-bad pair for artifact logging.
    "v2-old-plugin": (
        "venv-azure-v2-old-plugin",
        [
            "mlflow==3.17.2",
            "azure-ai-ml==1.35.2",
            "azure-identity==1.27.0",
            "azureml-mlflow==1.60.0",
        ],
    ),
    # SDK v1 (legacy): azureml-core's old pins resolve on Python 3.11 with these; mlflow 2.16.2 is
    # the version Microsoft's samples pin for model logging against Azure ML.
    "v1": (
        "venv-azure-v1",
        [
            "azureml-core==1.61.0.post4",
            "azureml-mlflow==1.62.0.post6",
            "mlflow-skinny==2.16.2",
        ],
    ),
}

SUB = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
TENANT = "11111111-2222-4333-8444-555555555555"
WS = {
    "subscriptionId": SUB,
    "resourceGroup": "rg-ml.team(1)",
    "workspaceName": "ws-demo_1",
    "region": "westeurope",
}
# Validation rejects these; the generators must still keep them inside string literals.
HOSTILE = {
    "subscriptionId": 'sub"); import os; os.system("echo pwned") #',
    "resourceGroup": "rg\nimport os\r\t\\",
    "workspaceName": 'ws\'"""\u202e\u2066{x}%s\x00',
    "region": "eastus",
    "tenantId": "t\u2028\u2029\ufeff\x85",
}
NETWORK_ERRORS_OF_OUR_OWN_MAKING = (
    "builtins.ImportError",
    "builtins.ModuleNotFoundError",
    "builtins.NameError",
    "builtins.TypeError",
    "builtins.ValueError",
    "builtins.AttributeError",
    "builtins.KeyError",
    "builtins.SyntaxError",
)

# --------------------------------------------------------------------------------------------
# Virtualenvs


def ensure_azure_venv(name: str) -> str:
    """Create ``.build/<folder>`` with the exact pins unless already done; returns its python."""
    folder, pins = AZURE_VENVS[name]
    # Bytecode compiled once here: these SDKs import thousands of modules, and with
    # PYTHONDONTWRITEBYTECODE (set in some sessions) every run would otherwise recompile them all.
    # Best effort, like pip's own compile step: a few packages ship files that do not compile.
    compile_site = [
        "{python}", "-c",
        "import compileall, sysconfig; compileall.compile_dir(sysconfig.get_path('purelib'), "
        "quiet=1, workers=0)",
    ]  # fmt: skip
    return ensure_venv(BUILD / folder, pins, after=[compile_site])


# --------------------------------------------------------------------------------------------
# The network block and the cell harness, written to a temporary folder per session

SITECUSTOMIZE = '''
"""Test-only: no network. Non-loopback connects and name lookups raise NetworkBlocked."""
import ipaddress
import json
import os
import socket
import traceback
import webbrowser

_LOG = os.environ.get("AZURE_TEST_NETWORK_LOG")


class NetworkBlocked(OSError):
    """Raised instead of any outbound connection (an OSError, as an offline failure would be)."""


def _record(kind, target):
    if _LOG:
        stack = [[f.filename, f.lineno, f.name] for f in traceback.extract_stack()[:-2]]
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"kind": kind, "target": repr(target), "stack": stack}) + "\\n")


def _host(value):
    return value.decode() if isinstance(value, bytes) else value


def _is_ip(host):
    try:
        ipaddress.ip_address(str(host).split("%")[0])
        return True
    except ValueError:
        return False


def _is_loopback(host):
    host = _host(host)
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def getaddrinfo(host, *args, **kwargs):
    if not _is_loopback(host) and not _is_ip(_host(host)):
        _record("getaddrinfo", _host(host))
        raise NetworkBlocked("NetworkBlocked: name lookup of " + str(_host(host)))
    return _getaddrinfo(host, *args, **kwargs)


def _check(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        _record("connect", address)
        raise NetworkBlocked("NetworkBlocked: connect to " + repr(address))


def connect(self, address):
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


def _no_browser(url, *args, **kwargs):
    _record("browser", url)
    return False


socket.getaddrinfo = getaddrinfo
socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
webbrowser.open = webbrowser.open_new = webbrowser.open_new_tab = _no_browser
'''

HARNESS = '''
"""Runs one generated cell like a notebook would (exec in a fresh namespace) and reports."""
import json
import os
import sys
import traceback

cell_path, out_path = sys.argv[1], sys.argv[2]
with open(cell_path, encoding="utf-8") as f:
    source = f.read()
code = compile(source, cell_path, "exec")
ns = {"__name__": "__main__"}
res = {"outcome": "completed"}
ARG_NAMES = ("name", "workspace_name", "subscription_id", "resource_group", "resource_group_name")


def qualname(exc):
    return type(exc).__module__ + "." + type(exc).__qualname__


try:
    exec(code, ns)
except BaseException as exc:  # noqa: B036  a cell may raise anything
    res["outcome"] = "raised"
    res["type"] = qualname(exc)
    res["message"] = str(exc)[:6000]
    frames = traceback.extract_tb(exc.__traceback__)
    cell_lines = [f.lineno for f in frames if f.filename == cell_path]
    res["cell_line"] = cell_lines[-1] if cell_lines else None
    chain, args, seen, e = [], {}, set(), exc
    while e is not None and id(e) not in seen and len(chain) < 30:
        seen.add(id(e))
        chain.append(qualname(e))
        tb = e.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            for key in ARG_NAMES:
                value = frame.f_locals.get(key)
                if isinstance(value, str):
                    args.setdefault(frame.f_code.co_name + ":" + key, value)
            tb = tb.tb_next
        e = e.__cause__ or e.__context__
    res["chain"] = chain
    res["frame_args"] = args

res["values"] = {
    k: ns.get(k)
    for k in (
        "SUBSCRIPTION_ID",
        "RESOURCE_GROUP",
        "WORKSPACE_NAME",
        "TENANT_ID",
        "CLOUD",
        "EXPERIMENT_NAME",
        "PANEL_TRACKING_URI",
    )
}
res["env_cloud"] = os.environ.get("AZUREML_CURRENT_CLOUD")
ml = ns.get("ml_client")
if ml is not None:
    scope = ml._operation_scope
    res["ml_client"] = {
        "type": type(ml).__module__ + "." + type(ml).__name__,
        "subscription_id": scope.subscription_id,
        "resource_group_name": scope.resource_group_name,
        "workspace_name": scope.workspace_name,
        "cloud": getattr(ml, "_cloud", None),
        "credential": type(ml._credential).__name__,
    }
cred = ns.get("credential")
if cred is not None:
    res["credential"] = [type(cred).__name__] + [type(c).__name__ for c in getattr(cred, "credentials", ())]
auth = ns.get("auth", "absent")
if auth != "absent":
    res["auth"] = None if auth is None else {
        "type": type(auth).__module__ + "." + type(auth).__name__,
        "tenant_id": getattr(auth, "_tenant_id", None),
        "service_principal_id": getattr(auth, "_service_principal_id", None),
        "cloud": getattr(getattr(auth, "_cloud_type", None), "name", None),
    }
with open(out_path, "w", encoding="utf-8") as f:
    json.dump(res, f)
'''


def offline_folder(folder: Path, harness: str = HARNESS) -> Path:
    """A PYTHONPATH folder with the network block and a cell harness (run_cell.py)."""
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (folder / "run_cell.py").write_text(harness)
    return folder


@pytest.fixture(scope="session")
def blocker_dir(tmp_path_factory) -> Path:
    return offline_folder(tmp_path_factory.mktemp("azure-offline"))


def offline_env(blocker: Path, home: Path, log: Path, python: str, **extra: str) -> dict[str, str]:
    """A clean environment: no Azure or MLflow variables from outside, the network block on."""
    env = {
        "PATH": os.pathsep.join([str(Path(python).parent), "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(blocker),
        "PYTHONIOENCODING": "utf-8",
        "TMPDIR": str(home),
        "AZURE_TEST_NETWORK_LOG": str(log),
        # As the design says: the cloud named, telemetry off. Neither SDK has a telemetry switch
        # in the environment: azure-ai-ml sends only inside Jupyter (in_jupyter_notebook()),
        # azureml-core only with azureml-telemetry installed (it is not). MLflow's is off here.
        "AZUREML_CURRENT_CLOUD": "AzureCloud",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "1",
        "BROWSER": "/nonexistent-browser",
    }
    env.update(extra)
    return env


class CellRun:
    def __init__(self, proc: subprocess.CompletedProcess, result: dict, network: list, cell: str):
        self.proc = proc
        self.result = result
        self.network = network
        self.cell = cell
        self.path = ""

    @property
    def stdout(self) -> str:
        return self.proc.stdout

    @property
    def stderr(self) -> str:
        return self.proc.stderr

    def line_of(self, needle: str) -> int:
        """1-based number of the only cell line containing ``needle``."""
        hits = [i for i, line in enumerate(self.cell.splitlines(), 1) if needle in line]
        assert len(hits) == 1, (needle, hits)
        return hits[0]


def run_cell(
    python: str, cell: str, tmp_path: Path, blocker: Path, name: str = "cell", **env: str
) -> CellRun:
    work = tmp_path / name
    work.mkdir()
    path = work / f"{name}.py"
    path.write_text(cell, encoding="utf-8")
    out, log = work / "result.json", work / "network.jsonl"
    proc = subprocess.run(
        [python, str(blocker / "run_cell.py"), str(path), str(out)],
        cwd=work,
        env=offline_env(blocker, work, log, python, **env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=180,
    )
    assert out.exists(), f"harness failed\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    network = (
        [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        if log.exists()
        else []
    )
    run = CellRun(proc, result, network, cell)
    run.path = str(path)
    return run


def assert_stopped_at_network(run: CellRun, needle: str) -> None:
    """The cell failed on the line containing ``needle``, only there, and only for the network."""
    res = run.result
    context = f"\nresult={json.dumps(res, indent=1)[:4000]}\nstderr={run.stderr[-3000:]}"
    assert res["outcome"] == "raised", context
    assert res["type"] not in NETWORK_ERRORS_OF_OUR_OWN_MAKING, context
    assert res["cell_line"] == run.line_of(needle), context
    assert run.network, "no network attempt was made" + context
    for attempt in run.network:
        assert [run.path, run.line_of(needle)] in [s[:2] for s in attempt["stack"]], (
            attempt["kind"],
            attempt["target"],
            "a network attempt came from elsewhere than the network line",
        )
    assert all(a["kind"] != "browser" for a in run.network), "a browser was asked to open"


# --------------------------------------------------------------------------------------------
# The node CLI over the built generators


class SnippetCli:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("node not found on PATH")
        self.proc = subprocess.Popen(
            [node, str(CLI)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def __call__(self, fn: str, *args):
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"fn": fn, "args": list(args)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the node CLI exited"
        reply = json.loads(line)
        assert "error" not in reply, reply["error"]
        return reply["result"]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def gen():
    if not LIB.exists() or LIB.stat().st_mtime < SRC.stat().st_mtime:
        pytest.fail(f"{LIB} is missing or older than {SRC}: run `jlpm build:lib` first")
    cli = SnippetCli()
    yield cli
    cli.close()


@pytest.fixture(scope="session")
def v2_python() -> str:
    return ensure_azure_venv("v2")


@pytest.fixture(scope="session")
def v2_old_plugin_python() -> str:
    return ensure_azure_venv("v2-old-plugin")


@pytest.fixture(scope="session")
def v1_python() -> str:
    return ensure_azure_venv("v1")


def assigned_constants(cell: str) -> dict[str, object]:
    """NAME = <constant> assignments at the cell's top level."""
    out = {}
    for node in ast.parse(cell).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
        ):
            out[node.targets[0].id] = node.value.value
    return out


def shape(cell: str) -> str:
    """The cell's syntax tree with every string constant blanked: its code, not its data."""

    class Blank(ast.NodeTransformer):
        def visit_Constant(self, node):
            return ast.Constant(value="" if isinstance(node.value, str) else node.value)

    return ast.dump(Blank().visit(ast.parse(cell)))


# --------------------------------------------------------------------------------------------
# Generated code: parses, and user values stay data


@pytest.mark.parametrize("variant", ["azure-v2", "azure-v1"])
@pytest.mark.parametrize("tenant", [None, TENANT])
@pytest.mark.parametrize("region", ["westeurope", "usgovvirginia", "chinaeast2"])
def test_setup_cells_parse_and_carry_the_values(gen, variant, tenant, region):
    ws = {**WS, "region": region, **({"tenantId": tenant} if tenant else {})}
    cell = gen("azureSetupCell", variant, ws, {"experimentName": "exp 1"})
    compile(cell, "<cell>", "exec")
    consts = assigned_constants(cell)
    assert consts["SUBSCRIPTION_ID"] == WS["subscriptionId"]
    assert consts["RESOURCE_GROUP"] == WS["resourceGroup"]
    assert consts["WORKSPACE_NAME"] == WS["workspaceName"]
    assert consts["TENANT_ID"] == tenant
    assert consts["EXPERIMENT_NAME"] == "exp 1"
    assert consts["PANEL_TRACKING_URI"] == gen("azureTrackingUri", ws)
    assert consts["CLOUD"] == gen("azureCloudForRegion", region)


@pytest.mark.parametrize("variant", ["azure-v2", "azure-v1"])
def test_hostile_values_stay_inside_string_literals(gen, variant):
    benign = gen("azureSetupCell", variant, {**WS, "tenantId": TENANT}, {"experimentName": "e"})
    hostile = gen("azureSetupCell", variant, HOSTILE, {"experimentName": "e\n\"'"})
    assert shape(hostile) == shape(benign)
    consts = assigned_constants(hostile)
    assert consts["SUBSCRIPTION_ID"] == HOSTILE["subscriptionId"]
    assert consts["RESOURCE_GROUP"] == HOSTILE["resourceGroup"].strip()
    assert consts["WORKSPACE_NAME"] == HOSTILE["workspaceName"]
    assert consts["TENANT_ID"] == HOSTILE["tenantId"]
    assert consts["EXPERIMENT_NAME"] == "e\n\"'"
    for ch in "\u202e\u2066\u2028\u2029\ufeff\x00\x85\r":
        assert ch not in hostile
    config = gen("azureConfigJsonCell", HOSTILE)
    compile(config, "<cell>", "exec")
    assert shape(config) == shape(gen("azureConfigJsonCell", WS))


# --------------------------------------------------------------------------------------------
# The URI built offline = what the SDKs make of it

URI_CHECK = r"""
import json, os, sys
from urllib.parse import urlsplit

import mlflow
from azure.ai.ml._azure_environments import _get_registry_discovery_endpoint_from_metadata
from azureml.mlflow._internal.utils import tracking_uri_decomp
from mlflow.tracking._tracking_service.utils import _get_store

out = []
for case in json.load(sys.stdin):
    os.environ["AZUREML_CURRENT_CLOUD"] = case["cloud"]
    uri = case["uri"]
    mlflow.set_tracking_uri(uri)
    store = _get_store()  # azureml-mlflow's store, through MLflow's entry-point registry
    context = store.service_context

    class RecordingCredential:
        # A local stand-in for a token source; the point is the URL the store builds.
        scopes = []

        def get_token(self, *scopes, **kwargs):
            from azure.core.credentials import AccessToken

            RecordingCredential.scopes.extend(scopes)
            return AccessToken("test-token", 4102444800)

    context._auth = RecordingCredential()
    creds = store.get_host_creds()
    out.append({
        "decomp": tracking_uri_decomp(uri, False),
        "store": type(store).__module__ + "." + type(store).__name__,
        "host_url": context.host_url,
        "subscription_id": context.subscription_id,
        "resource_group_name": context.resource_group_name,
        "workspace_name": context.workspace_name,
        "rest_base": creds.host,
        "scopes": RecordingCredential.scopes,
        "discovery_host": urlsplit(_get_registry_discovery_endpoint_from_metadata(case["cloud"])).netloc,
        "mlflow": mlflow.__version__,
    })
print(json.dumps(out))
"""

URI_CASES = [
    (WS, "AzureCloud", "westeurope.api.azureml.ms", "eastus", "management.azure.com"),
    (
        {**WS, "region": "usgovarizona"},
        "AzureUSGovernment",
        "usgovarizona.api.ml.azure.us",
        "usgovarizona",
        "management.usgovcloudapi.net",
    ),
    (
        {**WS, "region": "chinaeast2"},
        "AzureChinaCloud",
        "chinaeast2.api.ml.azure.cn",
        "chinaeast2",
        "management.chinacloudapi.cn",
    ),
]


def test_tracking_uri_is_what_azureml_mlflow_reads(gen, v2_python, blocker_dir, tmp_path):
    cases = []
    for ws, cloud, host, _, _ in URI_CASES:
        uri = gen("azureTrackingUri", ws)
        assert uri == (
            f"azureml://{host}/mlflow/v1.0/subscriptions/{SUB}/resourceGroups/rg-ml.team(1)"
            "/providers/Microsoft.MachineLearningServices/workspaces/ws-demo_1"
        )
        cases.append({"uri": uri, "cloud": cloud})
    script = tmp_path / "uri_check.py"
    script.write_text(URI_CHECK)
    log = tmp_path / "network.jsonl"
    proc = subprocess.run(
        [v2_python, str(script)],
        input=json.dumps(cases),
        env=offline_env(blocker_dir, tmp_path, log, v2_python),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert not log.exists(), "building the store touched the network"
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    for (ws, _cloud, host, discovery_region, arm), got in zip(URI_CASES, results, strict=True):
        scope = (
            f"/subscriptions/{SUB}/resourceGroups/rg-ml.team(1)"
            "/providers/Microsoft.MachineLearningServices/workspaces/ws-demo_1"
        )
        assert got["store"].endswith("AzureMLRestStore"), got
        assert got["decomp"] == {"sub-id": SUB, "res-grp": "rg-ml.team(1)", "ws-name": "ws-demo_1"}
        assert got["host_url"] == f"https://{host}"
        assert (got["subscription_id"], got["resource_group_name"], got["workspace_name"]) == (
            SUB,
            "rg-ml.team(1)",
            "ws-demo_1",
        )
        # MLflow 3.x: the plugin speaks /mlflow/v2.0 whatever the URI says.
        assert got["rest_base"] == f"https://{host}/mlflow/v2.0{scope}"
        assert got["scopes"] == [f"https://{arm}/.default"]
        # azure-ai-ml's built-in per-cloud endpoints use the same <region>.<domain> hosts.
        assert got["discovery_host"] == host.replace(ws["region"], discovery_region)


# --------------------------------------------------------------------------------------------
# SDK v2 cell, up to the workspace GET

V2_NETWORK_LINE = "tracking_uri = ml_client.workspaces.get(WORKSPACE_NAME)"


@pytest.mark.parametrize(
    "case",
    [
        "default-credential",
        "service-principal-env",
        "tenant",
        "us-government",
        "china",
        "hostile-names",
    ],
)
def test_v2_cell_runs_up_to_the_workspace_get(gen, v2_python, blocker_dir, tmp_path, case):
    ws, env = dict(WS), {}
    if case == "service-principal-env":
        env = {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": SUB, "AZURE_CLIENT_SECRET": "x"}
    elif case == "tenant":
        ws["tenantId"] = TENANT
    elif case == "us-government":
        ws.update(region="usgovvirginia", tenantId=TENANT)
    elif case == "china":
        ws.update(region="chinaeast2")
    elif case == "hostile-names":
        ws.update(resourceGroup="rg\"'\n\\x", workspaceName='ws\u202e"""{x}%s')
    cell = gen("azureSetupCell", "azure-v2", ws, {"experimentName": "demo"})
    run = run_cell(v2_python, cell, tmp_path, blocker_dir, **env)
    assert_stopped_at_network(run, V2_NETWORK_LINE)
    res = run.result

    # The client was built, offline, with exactly our values.
    cloud = {"us-government": "AzureUSGovernment", "china": "AzureChinaCloud"}.get(
        case, "AzureCloud"
    )
    assert res["ml_client"] == {
        "type": "azure.ai.ml._ml_client.MLClient",
        "subscription_id": ws["subscriptionId"],
        "resource_group_name": ws["resourceGroup"],
        "workspace_name": ws["workspaceName"],
        "cloud": cloud,
        "credential": "ChainedTokenCredential" if "tenantId" in ws else "DefaultAzureCredential",
    }
    assert res["env_cloud"] == cloud
    assert res["frame_args"].get("get:workspace_name") == ws["workspaceName"]
    assert res["frame_args"].get("get:resource_group") == ws["resourceGroup"]
    if "tenantId" in ws:
        assert res["credential"] == [
            "ChainedTokenCredential",
            "EnvironmentCredential",
            "AzureCliCredential",
            "InteractiveBrowserCredential",
        ]
    # It failed getting a token, i.e. at the first network call, and said where it was.
    assert res["type"] == "azure.core.exceptions.ClientAuthenticationError", res
    assert "Asking Azure ML for the MLflow tracking URI of workspace" in run.stdout
    assert run.stdout.startswith("mlflow 3.15.0, azureml-mlflow 1.62.0.post6, azure-ai-ml 1.35.2")
    warnings = [line for line in run.stderr.splitlines() if line.startswith("WARNING: ")]
    assert len(warnings) == 1 and "/api/2.0/mlflow/logged-models" in warnings[0], run.stderr
    targets = {(a["kind"], a["target"]) for a in run.network}
    if case in ("service-principal-env", "tenant"):
        # The service principal's, or the tenant's interactive, sign-in at login.microsoftonline.com.
        assert targets == {("getaddrinfo", "'login.microsoftonline.com'")}, targets
        assert "NetworkBlocked: name lookup of login.microsoftonline.com" in res["message"]
    elif case == "us-government":
        assert targets == {("getaddrinfo", "'login.microsoftonline.us'")}, targets
        assert "NetworkBlocked: name lookup of login.microsoftonline.us" in res["message"]
    else:
        # DefaultAzureCredential: no AZURE_* variables, no az CLI here; managed identity (IMDS).
        assert targets == {("connect", "('169.254.169.254', 80)")}, targets
        assert "ManagedIdentityCredential" in res["message"]


def test_uri_comparison_ignores_api_version_and_query(gen):
    """The cells' check of Azure's URI against the panel's, on the forms the SDKs produce."""
    cell = gen("azureSetupCell", "azure-v2", WS, {})
    func = next(
        n
        for n in ast.parse(cell).body
        if isinstance(n, ast.FunctionDef) and n.name == "_workspace_key"
    )
    from urllib.parse import urlsplit

    ns: dict = {"urlsplit": urlsplit}
    exec(compile(ast.Module(body=[func], type_ignores=[]), "cell", "exec"), ns)  # noqa: S102
    key = ns["_workspace_key"]
    panel = gen("azureTrackingUri", WS)
    scope = panel.split("/mlflow/v1.0", 1)[1]
    host = "westeurope.api.azureml.ms"
    # ARM's property; azureml-mlflow's v2 rewrite; SDK v1's form (trailing "?"); other casing.
    for same in (
        panel,
        f"azureml://{host}/mlflow/v2.0{scope}",
        f"azureml://{host}/mlflow/v2.0{scope}?",
        f"azureml://WestEurope.api.azureml.ms/mlflow/v1.0{scope}".replace("rg-ml", "RG-ML"),
    ):
        assert key(same) == key(panel), same
    # A private-link workspace, another region, another workspace: reported.
    for other in (
        f"azureml://0f0e0d0c-1111-2222-3333-444455556666.workspace.{host}/mlflow/v1.0{scope}",
        f"azureml://eastus.api.azureml.ms/mlflow/v1.0{scope}",
        panel.replace("ws-demo_1", "ws-other"),
    ):
        assert key(other) != key(panel), other


def test_v2_cell_warns_for_the_pair_pip_picks_today(
    gen, v2_old_plugin_python, blocker_dir, tmp_path
):
    cell = gen("azureSetupCell", "azure-v2", WS, {})
    run = run_cell(v2_old_plugin_python, cell, tmp_path, blocker_dir)
    assert_stopped_at_network(run, V2_NETWORK_LINE)
    warnings = [line for line in run.stderr.splitlines() if line.startswith("WARNING: ")]
    assert len(warnings) == 2, run.stderr
    assert "logged-models" in warnings[0]
    assert "azureml-mlflow 1.60.0 cannot log artifacts with mlflow 3.17.2" in warnings[1]


WARNINGS_PROBE = r"""
import ast, json, sys
import mlflow

cell = open(sys.argv[1], encoding="utf-8").read()
tree = ast.parse(cell)
func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_azureml_mlflow_warnings")
ns = {"mlflow": mlflow}
exec(compile(ast.Module(body=[func], type_ignores=[]), "cell", "exec"), ns)
out = {}
for v in sys.argv[2:]:
    mlflow.__version__ = v
    out[v] = ns["_azureml_mlflow_warnings"]()
print(json.dumps(out))
"""


def test_version_warnings_read_the_installed_plugin_metadata(gen, v2_python, blocker_dir, tmp_path):
    """The cell's check against azureml-mlflow 1.62.0.post6's own `mlflow-skinny<=3.15.0`."""
    cell = tmp_path / "cell.py"
    cell.write_text(gen("azureSetupCell", "azure-v2", WS, {}))
    probe = tmp_path / "probe.py"
    probe.write_text(WARNINGS_PROBE)
    proc = subprocess.run(
        [v2_python, str(probe), str(cell), "2.16.2", "3.15.0", "3.17.2"],
        env=offline_env(blocker_dir, tmp_path, tmp_path / "net.jsonl", v2_python),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["2.16.2"] == []
    assert len(got["3.15.0"]) == 1 and "logged-models" in got["3.15.0"][0]
    assert len(got["3.17.2"]) == 2
    assert got["3.17.2"][1] == (
        "mlflow 3.17.2 is outside what azureml-mlflow 1.62.0.post6 declares (mlflow-skinny<=3.15.0)"
    )


# --------------------------------------------------------------------------------------------
# SDK v1 cell, up to the workspace GET (or the tenant sign-in)


@pytest.mark.parametrize("case", ["az-login", "service-principal-env", "tenant"])
def test_v1_cell_runs_up_to_its_first_network_call(gen, v1_python, blocker_dir, tmp_path, case):
    ws, env = dict(WS), {}
    if case == "service-principal-env":
        env = {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": SUB, "AZURE_CLIENT_SECRET": "x"}
    elif case == "tenant":
        ws["tenantId"] = TENANT
    cell = gen("azureSetupCell", "azure-v1", ws, {"experimentName": "demo"})
    run = run_cell(v1_python, cell, tmp_path, blocker_dir, **env)
    res = run.result
    # Every path signs in at login.microsoftonline.com first (v1 auth is MSAL, no managed identity
    # without the compute-instance environment).
    assert {(a["kind"], a["target"]) for a in run.network} == {
        ("getaddrinfo", "'login.microsoftonline.com'")
    }
    assert "NetworkBlocked: name lookup of login.microsoftonline.com" in res["message"]
    if case == "tenant":
        # The tenant sign-in is the first network call; Workspace.get is never reached.
        assert_stopped_at_network(run, "auth = InteractiveLoginAuthentication(")
        assert "auth" not in res
    else:
        assert_stopped_at_network(run, "ws = Workspace.get(")
        args = res["frame_args"]
        assert args.get("get:name") == WS["workspaceName"], args
        assert args.get("get:subscription_id") == SUB
        assert args.get("get:resource_group") == WS["resourceGroup"]
    if case == "service-principal-env":
        # Built offline from the environment; the secret never appears in the cell.
        assert res["auth"] == {
            "type": "azureml.core.authentication.ServicePrincipalAuthentication",
            "tenant_id": TENANT,
            "service_principal_id": SUB,
            "cloud": "AzureCloud",
        }
    elif case == "az-login":
        assert res["auth"] is None
    assert res["env_cloud"] == "AzureCloud"
    assert run.stderr.startswith(
        "Azure ML SDK v1 is legacy: its support ended 2026-06-30."
        " Prefer the SDK v2 (azure-ai-ml) setup cell.\n"
    )
    assert run.stdout.startswith("mlflow 2.16.2, azureml-mlflow 1.62.0.post6, azureml-core 1.61.0")
    assert "Getting Azure ML workspace ws-demo_1 (resource group rg-ml.team(1)" in run.stdout
    assert "WARNING: " not in run.stderr  # mlflow 2.16.2 + azureml-mlflow 1.62: no known issue


# --------------------------------------------------------------------------------------------
# Missing packages: one line, before anything else


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_v2_cell_without_the_sdks_prints_the_install_hint(gen, blocker_dir, tmp_path):
    import importlib.util

    if importlib.util.find_spec("azure") is not None:
        pytest.skip("this interpreter has Azure packages")
    cell = gen("azureSetupCell", "azure-v2", WS, {})
    path = tmp_path / "cell.py"
    path.write_text(cell)
    log = tmp_path / "net.jsonl"
    proc = subprocess.run(
        [sys.executable, str(path)],
        env=offline_env(blocker_dir, tmp_path, log, sys.executable),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert _last_line(proc.stderr) == (
        "ImportError: This kernel lacks azureml-mlflow, azure-ai-ml, azure-identity."
        " Run:  %pip install azure-ai-ml azure-identity azureml-mlflow  then restart the kernel."
    ), proc.stderr
    assert proc.stdout == ""
    assert not log.exists()


def test_v1_cell_without_azureml_core_prints_the_install_hint(
    gen, v2_python, blocker_dir, tmp_path
):
    run = run_cell(v2_python, gen("azureSetupCell", "azure-v1", WS, {}), tmp_path, blocker_dir)
    assert run.result["type"] == "builtins.ImportError"
    assert run.result["message"] == (
        "This kernel lacks azureml-core."
        " Run:  %pip install azureml-core azureml-mlflow  then restart the kernel."
    )
    assert run.result["cell_line"] == run.line_of("    raise ImportError(")
    assert run.network == []


# --------------------------------------------------------------------------------------------
# config.json: written next to the notebook, read back by both SDKs offline

READ_V2 = r"""
import json, sys
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential
c = MLClient.from_config(credential=DefaultAzureCredential(), path=sys.argv[1])
s = c._operation_scope
print(json.dumps([s.subscription_id, s.resource_group_name, s.workspace_name]))
"""

READ_V1 = r"""
import json, sys
from azureml._project import project_info
print(json.dumps(list(project_info.get_workspace_info(sys.argv[1]))))
"""


@pytest.mark.parametrize("values", [WS, {**HOSTILE, "tenantId": None}], ids=["plain", "hostile"])
def test_config_json_cell_writes_what_both_sdks_read(
    gen, v2_python, v1_python, blocker_dir, tmp_path, values
):
    values = {k: v for k, v in values.items() if v is not None}
    cell = gen("azureConfigJsonCell", values)
    first = run_cell(v2_python, cell, tmp_path, blocker_dir, name="write")
    assert first.result["outcome"] == "completed", first.result
    config = tmp_path / "write" / "config.json"
    expected = [values["subscriptionId"], values["resourceGroup"].strip(), values["workspaceName"]]
    assert json.loads(config.read_text(encoding="utf-8")) == dict(
        zip(["subscription_id", "resource_group", "workspace_name"], expected, strict=True)
    )
    for python, reader in ((v2_python, READ_V2), (v1_python, READ_V1)):
        script = tmp_path / "read.py"
        script.write_text(reader)
        proc = subprocess.run(
            [python, str(script), str(config)],
            env=offline_env(blocker_dir, tmp_path, tmp_path / "read-net.jsonl", python),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout.strip().splitlines()[-1]) == expected
    assert not (tmp_path / "read-net.jsonl").exists()

    # Running it again is a no-op; a config.json for another workspace is left alone.
    again = subprocess.run(
        [v2_python, str(tmp_path / "write" / "write.py")],
        cwd=tmp_path / "write",
        env=offline_env(blocker_dir, tmp_path, tmp_path / "n.jsonl", v2_python),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and "already up to date" in again.stdout
    other = gen("azureConfigJsonCell", {**WS, "workspaceName": "another-ws"})
    (tmp_path / "write" / "other.py").write_text(other)
    clash = subprocess.run(
        [v2_python, "other.py"],
        cwd=tmp_path / "write",
        env=offline_env(blocker_dir, tmp_path, tmp_path / "n.jsonl", v2_python),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert clash.returncode == 1
    assert _last_line(clash.stderr).startswith("FileExistsError: ")
    assert json.loads(config.read_text(encoding="utf-8"))["workspace_name"] == expected[2]


if __name__ == "__main__":
    if sys.argv[1:] == ["--venvs"]:
        for venv_name in AZURE_VENVS:
            started = time.monotonic()
            print(venv_name, ensure_azure_venv(venv_name), f"{time.monotonic() - started:.1f}s")
    else:
        print(textwrap.dedent(__doc__ or ""))
