"""The error types that mmbcl's layers share.

One small module that imports nothing of mmbcl's, so any module can raise
them without an import cycle. The tools print each as one line.
"""


class ConfigError(ValueError):
    """A config mmbcl cannot run as it is; the message names the key to
    change. Raised before training starts; tools print it as one line."""


__all__ = ['ConfigError']
