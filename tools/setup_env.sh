#!/usr/bin/env bash
# Install mmbcl (editable) with everything it needs. Idempotent: a second run
# installs nothing new. On a machine without torch it installs the CPU
# machine kind's pinned torch/torchvision wheels; where torch is already
# present (a GPU cluster, a conda env) it keeps that torch.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}

if ! "$PY" -c 'import torch, torchvision' >/dev/null 2>&1; then
    # torchvision from PyPI does not import beside every torch build; these
    # two are a matching pair.
    "$PY" -m pip install -q "torch==${TORCH_VERSION:-2.14.1}" \
        "torchvision==${TORCHVISION_VERSION:-0.29.1}"
fi

# Keep a full mmcv where one is installed; otherwise take mmcv-lite.
if "$PY" -c 'import mmcv' >/dev/null 2>&1; then
    EXTRAS=tests
else
    EXTRAS=lite,tests
fi
"$PY" -m pip install -q -e ".[${EXTRAS}]"
