#!/usr/bin/env bash
# Newcomer command 1: install everything into .venv and start JupyterLab with the extension.
# The local MLflow workspace (the default) needs no setup: the extension starts it on demand.
#
#   bash scripts/dev.sh [--port N] [--stop-after-start] [any other `jupyter lab` option]
#
#   --port N            JupyterLab on port N (Jupyter's default is 8888; if the port is taken,
#                       Jupyter takes the next free one, and the URL it prints says which).
#   --stop-after-start  check only: once the URL JupyterLab prints opens JupyterLab, stop it and
#                       exit 0 (non-zero if it did not start or the URL does not log in).
#                       Nothing is left running. Used by the test command's newcomer stage.
set -euo pipefail
cd "$(dirname "$0")/.."

stop_after_start=0
jupyter_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stop-after-start) stop_after_start=1 ;;
    --port)
      [ $# -ge 2 ] || { echo "dev.sh: --port needs a port number" >&2; exit 2; }
      jupyter_args+=("--port=$2")
      shift
      ;;
    *) jupyter_args+=("$1") ;;
  esac
  shift
done

source scripts/bootstrap.sh
ensure_build_venv

VENV="$ROOT/.venv"
[ -x "$VENV/bin/python" ] || "$UV" venv -q -p "$PYTHON" "$VENV"
export PATH="$VENV/bin:$BUILD_VENV/bin:$PATH"

echo "==> building the extension (jlpm install, jlpm build)"
jlpm install
jlpm build

echo "==> installing the Python package (editable) with JupyterLab, Notebook and MLflow"
# The editable install runs without build isolation (it reuses the extension just built), so
# the build backend's requirements go into .venv first: pyproject's [build-system] requires,
# the build hook's hatch-jupyter-builder, and `editables`, which hatchling needs for editable
# wheels only (it is not in [build-system] requires, so nothing else installs it).
"$UV" pip install -q --python "$VENV/bin/python" "jupyterlab>=4.6,<4.7" "jupyter-builder>=1.2,<2" \
  "hatchling>=1.5" "hatch-nodejs-version>=0.3.2" "hatch-jupyter-builder>=0.5" "editables~=0.3" \
  ipykernel
"$UV" pip install -q --python "$VENV/bin/python" --no-build-isolation -e ".[dev,test]"
"$VENV/bin/jupyter-builder" develop . --overwrite  # (`jupyter labextension develop` is deprecated)
"$VENV/bin/jupyter" server extension enable jupyterlab_mlflow_workspace

args=(--no-browser --ServerApp.ip=127.0.0.1)
[ "$(id -u)" -ne 0 ] || args+=(--allow-root)
if [ "$stop_after_start" = 1 ]; then
  echo "==> starting JupyterLab, then stopping it once its URL opens JupyterLab (--stop-after-start)"
  exec "$VENV/bin/python" scripts/stop_after_start.py "$VENV/bin/jupyter" lab "${args[@]}" \
    "${jupyter_args[@]}"
fi
echo "==> starting JupyterLab (open the URL it prints; Ctrl+C stops it)"
exec "$VENV/bin/jupyter" lab "${args[@]}" "${jupyter_args[@]}"
