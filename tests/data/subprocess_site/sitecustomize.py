"""Start-up of the suite's tool subprocesses (on their PYTHONPATH through
``tests.cli.subprocess_env``): MMEngine's config text goes unformatted, as
``tests/conftest.py`` does in-process. MMEngine formats the whole config
with yapf for the log, the dump and every checkpoint's meta, on every
rank: about 1.8 s each for an ImageNet-LT recipe (RandAugment's policies),
some 10 s of a short test run. The text stays valid Python."""
try:
    import mmengine.config.config as _mmengine_config
except ImportError:  # a subprocess without MMEngine
    pass
else:
    _mmengine_config.FormatCode = lambda text, **kwargs: (text, None)
