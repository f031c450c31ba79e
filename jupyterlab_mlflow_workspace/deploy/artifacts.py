"""Where a model's files live, and whether a deployment may carry the workspace's credentials.

MLflow's clients send ``MLFLOW_TRACKING_TOKEN`` (or basic auth) to *every* HTTP artifact host, not
only to the tracking server. A model URI ``http://<host>/…``, or a run whose experiment keeps its
artifacts on another host, would hand the workspace's token to that host, and a metadata address
would be reached from this machine. So before a pre-flight or a scoring server starts, the Jupyter
server resolves where the model's files are (through the one HTTP door to the workspace), applies
the proxy's target check to every host on the way, and gives the subprocess credentials only when
all of them are the workspace's own server. A model elsewhere is served from its resolved
location, without credentials.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..errors import UserError
from ..tracking.targets import check_target

# A registered model's source may name another registered or logged model; a few hops suffice.
MAX_HOPS = 4


@dataclass
class Plan:
    """How to run MLflow for one model: which URI, and with the workspace's credentials or not."""

    model_uri: str
    credentials: bool
    note: str = ""


def _endpoint(parts) -> tuple[str, int | None]:
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), port


def remote_host(uri: str, tracking_url: str | None) -> str | None:
    """The ``http(s)://host:port`` MLflow would send credentials to for ``uri``; None if none.

    ``mlflow-artifacts:/path`` (no host) means the tracking server itself; ``mlflow-artifacts://h``
    is reached with the tracking server's scheme. Other schemes (file, s3, gs, wasbs, dbfs…) use
    their own credentials, never the workspace's MLflow token.
    """
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.hostname:
        return f"{scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
    if scheme == "mlflow-artifacts":
        if not parts.netloc:
            return None  # the tracking server's own artifact proxy
        base = urlsplit(tracking_url or "http://")
        return f"{base.scheme or 'http'}://{parts.netloc.rsplit('@', 1)[-1]}"
    return None


def same_server(host_url: str, tracking_url: str | None) -> bool:
    if not tracking_url:
        return False
    a, b = urlsplit(host_url), urlsplit(tracking_url)
    return a.scheme == b.scheme and _endpoint(a) == _endpoint(b)


class ArtifactResolver:
    """Resolve a model URI to its artifact location with the workspace's own tracking server."""

    def __init__(self, upstream, *, allow_link_local: bool, jupyter_ports):
        self._upstream = upstream
        self._allow_link_local = allow_link_local
        self._jupyter_ports = jupyter_ports

    async def plan(self, workspace, model_uri: str) -> Plan:
        tracking_url = workspace.url or None
        location = await self._locate(workspace, model_uri)
        uris = [model_uri] if location is None else [model_uri, location]
        foreign = []
        for uri in uris:
            host = remote_host(uri, tracking_url)
            if host is None:
                continue
            # The same refusals as the proxy's: metadata, link-local, this Jupyter server…
            await check_target(
                host, allow_link_local=self._allow_link_local, jupyter_port=self._jupyter_ports
            )
            if not same_server(host, tracking_url):
                foreign.append(host)
        if not foreign:
            return Plan(model_uri=model_uri, credentials=True)
        served = location or model_uri
        note = (
            f"The model's files are on {foreign[-1]}, not on this workspace's tracking server: "
            "they are fetched without the workspace's credentials."
        )
        return Plan(model_uri=served, credentials=False, note=note)

    async def _locate(self, workspace, model_uri: str) -> str | None:
        """The artifact URI of ``model_uri`` as the tracking server records it, or None when it
        is already a location (or the workspace has no HTTP tracking server to ask)."""
        uri = model_uri
        for _ in range(MAX_HOPS):
            if not workspace.url:
                return None
            if uri.startswith("runs:/"):
                run_id, _, path = uri[len("runs:/") :].partition("/")
                run = await self._get(workspace, "api/2.0/mlflow/runs/get", run_id=run_id)
                base = ((run.get("run") or {}).get("info") or {}).get("artifact_uri") or ""
                return _join(base, path) if base else None
            if uri.startswith("models:/"):
                uri = await self._model_source(workspace, uri[len("models:/") :])
                if uri is None:
                    return None
                continue
            return uri if uri != model_uri else None
        raise UserError(
            "The model's registry entries point at each other too many times",
            status=400,
            reason="bad_model_uri",
        )

    async def _model_source(self, workspace, rest: str) -> str | None:
        rest = rest.rstrip("/")
        if rest.startswith("m-") and "/" not in rest and "@" not in rest:
            answer = await self._get(workspace, f"api/2.0/mlflow/logged-models/{quote(rest)}")
            info = (answer.get("model") or {}).get("info") or {}
            return info.get("artifact_uri")
        if "@" in rest:
            name, _, alias = rest.partition("@")
            answer = await self._get(
                workspace, "api/2.0/mlflow/registered-models/alias", name=name, alias=alias
            )
        else:
            name, _, version = rest.rpartition("/")
            if not name:
                return None
            if not version.isdigit():
                return await self._latest_source(workspace, name, version)
            answer = await self._get(
                workspace, "api/2.0/mlflow/model-versions/get", name=name, version=version
            )
        return (answer.get("model_version") or {}).get("source")

    async def _latest_source(self, workspace, name: str, stage: str) -> str | None:
        """``models:/<name>/latest`` or ``/<stage>``: the newest version MLflow would pick."""
        stages = [] if stage.lower() == "latest" else [stage]
        response = await self._upstream.fetch(
            workspace, "POST", "api/2.0/mlflow/registered-models/get-latest-versions",
            body=json.dumps({"name": name, "stages": stages}).encode(),
            content_type="application/json",
        )  # fmt: skip
        try:
            versions = json.loads(response.body or b"{}").get("model_versions") or []
        except (ValueError, AttributeError):
            return None
        numbered = [v for v in versions if str(v.get("version", "")).isdigit()]
        if response.code != 200 or not numbered:
            return None
        return max(numbered, key=lambda v: int(v["version"])).get("source")

    async def _get(self, workspace, path: str, **params) -> dict:
        query = "&".join(f"{quote(k)}={quote(str(v), safe='')}" for k, v in params.items())
        response = await self._upstream.fetch(workspace, "GET", path, query=query)
        if response.code != 200:
            # Not found, or not allowed: MLflow's own pre-flight will say so in its words.
            return {}
        try:
            answer = json.loads(response.body or b"{}")
        except ValueError:
            return {}
        return answer if isinstance(answer, dict) else {}


def _join(base: str, path: str) -> str:
    return f"{base.rstrip('/')}/{path.lstrip('/')}" if path else base
