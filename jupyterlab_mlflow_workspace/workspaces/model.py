"""The workspace record and its public (secret-free) view."""

import base64
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Credentials:
    """Resolved on the server only; never serialised to the browser, a notebook or a log."""

    token: str | None = None
    username: str | None = None
    password: str | None = None

    def headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.username is not None and self.password is not None:
            pair = f"{self.username}:{self.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        return {}

    def secrets(self) -> list[str]:
        """The secret strings, for log redaction."""
        return [s for s in (self.token, self.password) if s]


@dataclass(frozen=True)
class Workspace:
    id: str
    kind: str  # "environment" | "local" | "mlflow" | "azureml"
    name: str
    url: str = ""  # the tracking server's base URL (may carry a path prefix); "" until known
    read_only: bool = True
    mlflow_workspace: str | None = None  # MLflow 3.10+ X-MLFLOW-WORKSPACE header
    credentials: Credentials = field(default_factory=Credentials)
    tracking_uri: str = ""  # what a notebook should use; differs from url for azureml://
    note: str = ""
    extra: dict = field(default_factory=dict)  # kind-specific, never secret (Azure ids)

    def public(self) -> dict:
        """What the browser may see: no secret, only whether one is set."""
        creds = self.credentials
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "url": self.url,
            "tracking_uri": self.tracking_uri or self.url,
            "read_only": self.read_only,
            "mlflow_workspace": self.mlflow_workspace,
            "has_token": bool(creds.token),
            "username": creds.username,
            "has_password": creds.password is not None,
            "note": self.note,
            "azure": self.extra if self.kind == "azureml" else None,
        }
