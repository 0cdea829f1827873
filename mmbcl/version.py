__version__ = '0.1.0'

#: The oldest torch mmbcl runs on (``requirements/runtime.txt`` states the
#: same; a test checks they agree). torch 2.6 is the first release with
#: what mmbcl's safe checkpoint loading calls:
#: ``torch.serialization.add_safe_globals`` taking ``(object, name)`` pairs
#: and ``weights_only=True`` as ``torch.load``'s default.
TORCH_MINIMUM = '2.6'
