#!/usr/bin/env bash
# Run the test suite on the oldest torch mmbcl supports (mmbcl.version.
# TORCH_MINIMUM), in a fresh virtual environment beside this one.
# Usage: tools/test_torch_floor.sh [pytest args]
#        TORCH=2.6.0 TORCHVISION=0.21.0 VENV=/tmp/mmbcl-torch-floor
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/mmbcl-torch-floor}
python -m venv "$VENV"
"$VENV/bin/pip" install -q "torch==${TORCH:-2.6.0}" \
    "torchvision==${TORCHVISION:-0.21.0}"
"$VENV/bin/pip" install -q -e ".[lite,tests]"
"$VENV/bin/python" -c 'import torch; print("torch", torch.__version__)'
"$VENV/bin/python" -m pytest tests "$@"
