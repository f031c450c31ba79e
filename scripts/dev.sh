#!/usr/bin/env bash
# Newcomer command 1: install everything into .venv and start JupyterLab with the extension.
# The local MLflow workspace (the default) needs no setup: the extension starts it on demand.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_build_venv

VENV="$ROOT/.venv"
[ -x "$VENV/bin/python" ] || "$UV" venv -q -p "$PYTHON" "$VENV"
export PATH="$VENV/bin:$BUILD_VENV/bin:$PATH"

echo "==> building the extension (jlpm install, jlpm build)"
jlpm install
jlpm build

echo "==> installing the Python package (editable) with JupyterLab, Notebook and MLflow"
"$UV" pip install -q --python "$VENV/bin/python" "jupyterlab>=4.6,<4.7" "jupyter-builder>=1.2,<2" \
  "hatchling>=1.5" "hatch-nodejs-version>=0.3.2" "hatch-jupyter-builder>=0.5" "editables>=0.5" ipykernel
"$UV" pip install -q --python "$VENV/bin/python" --no-build-isolation -e ".[dev,test]"
"$VENV/bin/jupyter" labextension develop . --overwrite
"$VENV/bin/jupyter" server extension enable jupyterlab_mlflow_workspace

args=(--no-browser --ServerApp.ip=127.0.0.1)
[ "$(id -u)" -ne 0 ] || args+=(--allow-root)
echo "==> starting JupyterLab (open the URL it prints; Ctrl+C stops it)"
exec "$VENV/bin/jupyter" lab "${args[@]}" "$@"
