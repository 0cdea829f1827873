"""Silence the warnings that the stack mmbcl installs prints on every run,
and nothing else.

Each filter matches one message from one place, and each is harmless here:

* ``Fail to import MultiScaleDeformableAttention``: mmcv-lite, which mmbcl
  installs, has no compiled ops; MMPretrain's classifiers use none.
* ``pkg_resources is deprecated as an API``: MMEngine 0.10 resolves
  ``mmpretrain::`` config bases with ``pkg_resources``; mmbcl pins the
  setuptools that still ships it.
* ``Only use 'alpha' for pillow backend.``: mmcv's ``adjust_color`` warns on
  every call with the pillow backend, which MMPretrain's ``ColorJitter``
  asks for (once per dataloader worker, so once an epoch).

MMEngine's own notices (``"FileClient" will be deprecated``, printed by its
default ``CheckpointHook``) are left as they are: every MMEngine run prints
them.
"""
import warnings

#: ``(message regex, module regex)`` of each silenced warning.
KNOWN_WARNINGS = (
    (r'Fail to import ``MultiScaleDeformableAttention``',
     r'mmcv\.cnn\.bricks\.transformer'),
    (r'pkg_resources is deprecated as an API', r''),
    (r"Only use 'alpha' for pillow backend", r'mmcv\.image\.photometric'),
)


def silence_known_warnings() -> None:
    """Install the filters of :data:`KNOWN_WARNINGS` (idempotent; forked
    dataloader workers inherit them)."""
    for message, module in KNOWN_WARNINGS:
        warnings.filterwarnings('ignore', message=message,
                                category=UserWarning, module=module)
