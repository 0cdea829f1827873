"""Run mmbcl's command-line tools in-process, as their command line would.

A tool's ``main()`` reads ``sys.argv``; calling it here costs no Python
start-up and no second import of torch and MMPretrain (about 10 s a
subprocess on 2 cores), so the suite runs the tools users run.
"""
import contextlib
import importlib
import os
import os.path as osp
import sys

import pytest


@contextlib.contextmanager
def argv(*args):
    old = sys.argv
    sys.argv = list(args)
    try:
        yield
    finally:
        sys.argv = old


ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: Its ``sitecustomize`` leaves MMEngine's config text unformatted.
SUBPROCESS_SITE = osp.join(ROOT, 'tests', 'data', 'subprocess_site')


def subprocess_env(**extra) -> dict:
    """The environment of a tool the suite runs in its own process: this
    one, with mmbcl's root importable and the config text unformatted (as
    in-process, ``tests/conftest.py``), plus ``extra``."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT,
                                                        SUBPROCESS_SITE]),
                **extra)


def call_tool(module: str, *args):
    """``python <module's file> *args``; returns what ``main()`` returns."""
    tool = importlib.import_module(module)
    with argv(tool.__file__, *args):
        return tool.main()


def tool_error(module: str, *args) -> str:
    """The one-line message the tool exits with (it must exit with one)."""
    with pytest.raises(SystemExit) as stop:
        call_tool(module, *args)
    message = str(stop.value)
    assert message.startswith('error: ') and '\n' not in message, message
    return message
