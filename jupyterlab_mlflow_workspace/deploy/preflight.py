"""The deploy pre-flight, run by path in the interpreter that will serve the model.

``<python> preflight.py <model_uri>`` (under the launcher, which stops it with Jupyter): imports MLflow, reads the model's MLmodel and
requirements from the workspace the model is in (the environment carries the tracking URI and
credentials), imports the flavor's loader module, looks for the flavor's library, the model's
pip requirements and the server executable MLflow will exec, and prints one line ``MARK + JSON``
at the end. It never raises.

Why a file of its own: that interpreter may not have this package installed, so this module
imports nothing of it, only the standard library and what it is checking (MLflow). It keeps to
syntax old interpreters still run (no ``match``, no ``X | Y`` types). It dies with Jupyter.
"""

import importlib
import importlib.util
import json
import os
import shutil
import sys

MARK = "@@MLFLOW_WORKSPACE_PREFLIGHT@@"

# flavor -> (module to import, package to install)
LIBS = {
    "sklearn": ("sklearn", "scikit-learn"),
    "xgboost": ("xgboost", "xgboost"),
    "lightgbm": ("lightgbm", "lightgbm"),
    "catboost": ("catboost", "catboost"),
    "pytorch": ("torch", "torch"),
    "tensorflow": ("tensorflow", "tensorflow"),
    "keras": ("keras", "keras"),
    "transformers": ("transformers", "transformers"),
    "sentence_transformers": ("sentence_transformers", "sentence-transformers"),
    "onnx": ("onnxruntime", "onnxruntime"),
    "statsmodels": ("statsmodels", "statsmodels"),
    "prophet": ("prophet", "prophet"),
    "spacy": ("spacy", "spacy"),
    "h2o": ("h2o", "h2o"),
    "spark": ("pyspark", "pyspark"),
    "paddle": ("paddle", "paddlepaddle"),
    "pmdarima": ("pmdarima", "pmdarima"),
    "langchain": ("langchain", "langchain"),
}


class _Done(Exception):
    """Stop checking: the answer so far is the answer."""


def _die_with_parent(jupyter_pid):
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with Jupyter
    except Exception:  # noqa: S110 - not Linux: the timeout still ends it
        pass
    if jupyter_pid is not None and os.getppid() != jupyter_pid:
        os._exit(3)  # Jupyter died before the line above took effect


def first_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {(text[0] if text else '')[:500]}"


def _underlying(uri):
    base = uri.rstrip("/")
    if base.startswith("models:/"):
        from mlflow.store.artifact.models_artifact_repo import ModelsArtifactRepository

        base = ModelsArtifactRepository.get_underlying_uri(base).rstrip("/")
    return base


def _read_model(uri, out):
    try:
        import mlflow

        out["mlflow_version"] = getattr(mlflow, "__version__", None)
    except Exception as e:
        out["missing"].append("mlflow")
        out["error"] = f"MLflow cannot be imported in this interpreter ({first_line(e)})"
        raise _Done() from None
    try:
        from mlflow.models import Model

        return Model.load(uri)
    except Exception as e:
        out["error"] = f"The model could not be read ({first_line(e)})"
        raise _Done() from None


def _check_flavors(model, out):
    flavors = model.flavors or {}
    out["flavors"] = sorted(flavors)
    pyfunc = flavors.get("python_function")
    if not pyfunc:
        out["error"] = (
            "The model has no python_function flavor, which the scoring server needs "
            "(flavors: {})".format(", ".join(sorted(flavors)))
        )
        raise _Done()
    logged = str(pyfunc.get("python_version") or "")
    if logged and logged.split(".")[:2] != out["python_version"].split(".")[:2]:
        out["warnings"].append(
            f"The model was logged with Python {logged}; this interpreter is Python "
            f"{out['python_version']}"
        )
    loader = pyfunc.get("loader_module")
    out["loader_module"] = loader
    if loader:
        try:
            importlib.import_module(loader)
        except ModuleNotFoundError as e:
            out["missing"].append(e.name or loader)
        except Exception as e:
            out["error"] = f"The flavor's module {loader} cannot be imported ({first_line(e)})"
    for flavor in sorted(flavors):
        module, package = LIBS.get(flavor, (None, None))
        if module and importlib.util.find_spec(module) is None:
            out["missing"].append(package)


def _check_server(out):
    try:
        from mlflow.pyfunc import scoring_server

        command = scoring_server.get_cmd(
            os.devnull, port=1, host="127.0.0.1", timeout=60, nworkers=1
        )[0]
        exe = command.split()[0] if command else ""
        if exe and "/" not in exe and shutil.which(exe) is None:
            out["missing"].append(exe)
    except ModuleNotFoundError as e:
        out["missing"].append(e.name or "the scoring server's dependencies")
    except Exception as e:
        out["warnings"].append(f"Could not check the scoring server ({first_line(e)})")


def _check_requirements(uri, out):
    try:
        from mlflow.artifacts import download_artifacts

        path = download_artifacts(artifact_uri=_underlying(uri) + "/requirements.txt")
        with open(path) as handle:
            requirements = handle.read().splitlines()
    except Exception as e:
        out["warnings"].append(f"The model's requirements.txt could not be read ({first_line(e)})")
        return
    from importlib import metadata

    from packaging.requirements import Requirement

    for raw in requirements:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            req = Requirement(line)
        except Exception:  # noqa: S112 - a line pip would reject is not ours to judge
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            if line not in out["missing"] and req.name not in out["missing"]:
                out["missing"].append(line)
            continue
        if req.specifier and not req.specifier.contains(installed, prereleases=True):
            out["mismatched"].append({"requirement": line, "installed": installed})


def _read_example(model, uri, out):
    # What the Deploy dialog shows, and what Call endpoint sends first: signature, input example.
    try:
        signature = model.signature
        out["signature"] = signature.to_dict() if signature is not None else None
    except Exception as e:
        out["warnings"].append(f"The model's signature could not be read ({first_line(e)})")
    try:
        from mlflow.artifacts import download_artifacts

        path = download_artifacts(artifact_uri=_underlying(uri) + "/serving_input_example.json")
        if os.path.getsize(path) <= 64 * 1024:  # a larger example is not shown or sent
            with open(path) as handle:
                out["input_example"] = json.load(handle)
    except Exception:  # noqa: S110 - no example logged: the dialog builds one from the signature
        pass


BASELINE = "monitoring/baseline_profile.json"  # what log_baseline() writes (monitor/profile.py)
BASELINE_LIMIT = 8 * 1024 * 1024


def _read_baseline(model, out):
    # The training run's baseline profile, if it logged one: the Monitor view measures drift
    # against it. Found here because this process has the workspace's credentials.
    run_id = getattr(model, "run_id", None)
    if not run_id:
        return
    try:
        from mlflow.artifacts import download_artifacts

        path = download_artifacts(run_id=run_id, artifact_path=BASELINE)
        if os.path.getsize(path) <= BASELINE_LIMIT:
            with open(path) as handle:
                out["baseline"] = json.load(handle)
                out["baseline_run_id"] = run_id
        else:
            out["warnings"].append("The run's baseline profile is too large to read; skipped")
    except Exception:  # noqa: S110 - no baseline logged: the Monitor view says how to log one
        pass


def check(uri):
    """Everything the pre-flight finds about serving ``uri`` with this interpreter."""
    out = {
        "python": sys.executable,
        "python_version": "{}.{}.{}".format(*sys.version_info[:3]),
        "mlflow_version": None,
        "flavors": [],
        "loader_module": None,
        "missing": [],
        "mismatched": [],
        "warnings": [],
        "error": None,
    }
    try:
        model = _read_model(uri, out)
        _check_flavors(model, out)
        _check_server(out)
        _check_requirements(uri, out)
        _read_example(model, uri, out)
        _read_baseline(model, out)
    except _Done:
        pass
    except Exception as e:  # never raise: the answer says what went wrong
        out["error"] = out["error"] or f"The pre-flight failed ({first_line(e)})"
    return out


def main(argv):
    _die_with_parent(int(argv[2]) if len(argv) > 2 else None)
    out = check(argv[1])
    print(MARK + json.dumps(out), flush=True)
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown: MLflow's atexit hooks may block


if __name__ == "__main__":
    main(sys.argv)
