# Shared by dev.sh and test.sh (sourced): finds or installs uv, the only tool we need up front.
# Everything else is installed by the scripts themselves from PyPI, npm and Debian's packages.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/.build"
mkdir -p "$BUILD"

export MLFLOW_DISABLE_TELEMETRY=true
export DO_NOT_TRACK=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Keep JupyterLab's own build steps from looking for a browser download.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ -x "$BUILD/tools/bin/uv" ]; then
  UV="$BUILD/tools/bin/uv"
else
  echo "==> installing uv into $BUILD/tools"
  "$PYTHON" -m venv "$BUILD/tools"
  "$BUILD/tools/bin/pip" install -q "uv>=0.4"
  UV="$BUILD/tools/bin/uv"
fi
export UV PYTHON ROOT BUILD

# The build tools: JupyterLab (for jlpm via jupyter-builder) and the wheel builders.
ensure_build_venv() {
  local venv="$BUILD/venv-build"
  if [ ! -x "$venv/bin/python" ]; then
    "$UV" venv -q -p "$PYTHON" "$venv"
  fi
  "$UV" pip install -q --python "$venv/bin/python" \
    "jupyterlab>=4.6,<4.7" "jupyter-builder>=1.2,<2" "hatchling>=1.5" "hatch-nodejs-version>=0.3.2" \
    "hatch-jupyter-builder>=0.5" "build>=1" "ruff>=0.6" "pytest>=8"
  export BUILD_VENV="$venv"
}
