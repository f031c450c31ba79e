"""User workspaces on disk: profiles in one file, secrets in another, both 0600 in a 0700 folder.

The folder is under the Jupyter data directory, outside the served root, so the contents API can
never serve it. Secrets are write-only: the browser sends them once and only ever learns whether
one is set. Writes are atomic (temp file + rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import stat
import tempfile
import threading
import uuid

from ..errors import UserError
from .model import Credentials, Workspace

SCHEMA_VERSION = 2
_WORKSPACE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\Z")
_AZURE_FIELDS = ("subscription_id", "resource_group", "workspace_name", "region", "tenant_id")


class WorkspaceStore:
    def __init__(self, folder: str):
        self.folder = folder
        self.profiles_path = os.path.join(folder, "workspaces.json")
        self.secrets_path = os.path.join(folder, "secrets.json")
        self._lock = threading.Lock()
        self._secrets_cache: tuple = (None, [])

    # --- reading -------------------------------------------------------------------------------

    def list(self) -> list[Workspace]:
        profiles = self._read_profiles()
        secrets = self._read_secrets()
        return [_to_workspace(p, secrets.get(p["id"], {})) for p in profiles]

    def secrets(self) -> list[str]:
        """Every stored secret, for the redacting log filter (cached until the file changes)."""
        try:
            info = os.stat(self.secrets_path)
        except FileNotFoundError:
            return []
        key = (info.st_mtime_ns, info.st_size)
        if self._secrets_cache[0] != key:
            values = [v for e in self._read_secrets().values() for v in e.values() if v]
            self._secrets_cache = (key, values)
        return self._secrets_cache[1]

    # --- writing -------------------------------------------------------------------------------

    def create(self, fields: dict) -> Workspace:
        with self._locked():
            profiles = self._read_profiles()
            profile = {"id": _new_id(fields.get("name", "")), **_clean(fields, None)}
            profiles.append(profile)
            secrets = self._read_secrets()
            secrets[profile["id"]] = _merge_secrets({}, fields)
            self._write(self.secrets_path, secrets)
            self._write(
                self.profiles_path, {"schema_version": SCHEMA_VERSION, "workspaces": profiles}
            )
            return _to_workspace(profile, secrets[profile["id"]])

    def update(self, workspace_id: str, fields: dict) -> Workspace:
        with self._locked():
            profiles = self._read_profiles()
            index = _find(profiles, workspace_id)
            profile = {"id": workspace_id, **_clean(fields, profiles[index])}
            profiles[index] = profile
            secrets = self._read_secrets()
            secrets[workspace_id] = _merge_secrets(secrets.get(workspace_id, {}), fields)
            self._write(self.secrets_path, secrets)
            self._write(
                self.profiles_path, {"schema_version": SCHEMA_VERSION, "workspaces": profiles}
            )
            return _to_workspace(profile, secrets[workspace_id])

    def delete(self, workspace_id: str) -> None:
        with self._locked():
            profiles = self._read_profiles()
            del profiles[_find(profiles, workspace_id)]
            secrets = self._read_secrets()
            secrets.pop(workspace_id, None)
            self._write(self.secrets_path, secrets)
            self._write(
                self.profiles_path, {"schema_version": SCHEMA_VERSION, "workspaces": profiles}
            )

    # --- files ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self):
        """Hold the store for one read-modify-write, against this process's other threads and
        against other Jupyter servers on the same folder (an OS lock the kernel releases when a
        holder dies). Both files are read again inside, so no one's change is lost."""
        with self._lock:
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
            fd = os.open(
                os.path.join(self.folder, "store.lock"),
                os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW,
                0o600,
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the lock

    def _read_profiles(self) -> list[dict]:
        data = self._read(self.profiles_path, check_private=False)
        return migrate(data)["workspaces"]

    def _read_secrets(self) -> dict:
        return self._read(self.secrets_path, check_private=True) or {}

    def _read(self, path: str, *, check_private: bool):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise UserError(
                f"Cannot read {path}: {error.strerror}", status=500, reason="store"
            ) from None
        with os.fdopen(fd) as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if check_private and mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise UserError(
                    f"Refusing to read {path}: other users can access it. Run: chmod 600 {path}",
                    status=500,
                    reason="unsafe_permissions",
                )
            try:
                return json.load(handle)
            except ValueError:
                raise UserError(f"{path} is not valid JSON", status=500, reason="store") from None

    def _write(self, path: str, payload) -> None:
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        os.chmod(self.folder, 0o700)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")  # created 0600
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(payload, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def migrate(data: dict) -> dict:
    """Bring a profiles file of any earlier schema to the current one.

    Version 1 (0.0.x previews) stored ``tracking_url`` and no kind; version 2 says ``url`` and
    ``kind``. A file without a version is version 1; an empty file is an empty version 2.
    """
    if not data:
        return {"schema_version": SCHEMA_VERSION, "workspaces": []}
    version = data.get("schema_version", 1)
    if version > SCHEMA_VERSION:
        raise UserError(
            "The workspaces file was written by a newer version of the extension; upgrade it",
            status=500,
            reason="store_too_new",
        )
    workspaces = list(data.get("workspaces", []))
    if version == 1:
        workspaces = [
            {**{k: v for k, v in w.items() if k != "tracking_url"}, "url": w.get("tracking_url", ""),
             "kind": w.get("kind", "mlflow")}
            for w in workspaces
        ]  # fmt: skip
    return {"schema_version": SCHEMA_VERSION, "workspaces": workspaces}


def _find(profiles: list[dict], workspace_id: str) -> int:
    for index, profile in enumerate(profiles):
        if profile["id"] == workspace_id:
            return index
    raise UserError("There is no workspace with this id", status=404, reason="unknown_workspace")


def _new_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:24] or "workspace"
    return f"{slug}-{uuid.uuid4().hex[:6]}"


def _clean(fields: dict, previous: dict | None) -> dict:
    """Validate the non-secret fields; missing ones keep their previous value."""
    from ..tracking.targets import parse_url

    merged = {**(previous or {}), **{k: v for k, v in fields.items() if v is not None}}
    kind = merged.get("kind", "mlflow")
    if kind not in ("mlflow", "azureml"):
        raise UserError("kind must be 'mlflow' or 'azureml'", status=400, reason="invalid")
    name = str(merged.get("name", "")).strip()
    if not name or len(name) > 100:
        raise UserError(
            "Give the workspace a name (at most 100 characters)", status=400, reason="invalid"
        )
    profile = {"kind": kind, "name": name}
    if kind == "mlflow":
        url = str(merged.get("url", "")).strip().rstrip("/")
        parse_url(url)
        profile["url"] = url
        mlflow_workspace = str(merged.get("mlflow_workspace") or "").strip() or None
        if mlflow_workspace and not _WORKSPACE_NAME.match(mlflow_workspace):
            raise UserError(
                "The MLflow workspace name may use letters, digits, '.', '_' and '-' only",
                status=400,
                reason="invalid",
            )
        profile["mlflow_workspace"] = mlflow_workspace
        profile["username"] = str(merged.get("username") or "").strip() or None
    else:
        for key in _AZURE_FIELDS:
            value = str(merged.get(key) or "").strip()
            if not value and key != "tenant_id":
                raise UserError(
                    f"{key} is required for an Azure ML workspace", status=400, reason="invalid"
                )
            profile[key] = value or None
    return profile


def _merge_secrets(previous: dict, fields: dict) -> dict:
    """Write-only semantics: an empty or missing field keeps the stored value."""
    if fields.get("remove_secrets"):
        previous = {}
    merged = dict(previous)
    for key in ("token", "password"):
        value = fields.get(key)
        if isinstance(value, str) and value:
            merged[key] = value
    return merged


def azure_tracking_uri(profile: dict) -> str:
    return (
        f"azureml://{profile['region']}.api.azureml.ms/mlflow/v1.0/subscriptions/"
        f"{profile['subscription_id']}/resourceGroups/{profile['resource_group']}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/{profile['workspace_name']}"
    )


def _to_workspace(profile: dict, secrets: dict) -> Workspace:
    if profile["kind"] == "azureml":
        return Workspace(
            id=profile["id"], kind="azureml", name=profile["name"], url="",
            tracking_uri=azure_tracking_uri(profile), read_only=False,
            note="Browsing an Azure ML workspace needs an Azure credential on the Jupyter server; "
            "the setup cell uses your own credential in the kernel.",
            extra={k: profile.get(k) for k in _AZURE_FIELDS},
        )  # fmt: skip
    return Workspace(
        id=profile["id"], kind="mlflow", name=profile["name"], url=profile["url"],
        tracking_uri=profile["url"], read_only=False,
        mlflow_workspace=profile.get("mlflow_workspace"),
        credentials=Credentials(
            token=secrets.get("token"), username=profile.get("username"),
            password=secrets.get("password") if profile.get("username") else None,
        ),
    )  # fmt: skip
