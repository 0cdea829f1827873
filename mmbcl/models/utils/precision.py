"""Run code in fp32 inside an AMP (autocast) context."""
import contextlib

import torch


def no_autocast(device_type: str):
    """A context that disables autocast on ``device_type`` (a no-op where
    autocast does not exist, e.g. the ``meta`` device)."""
    if torch.amp.is_autocast_available(device_type):
        return torch.autocast(device_type, enabled=False)
    return contextlib.nullcontext()
