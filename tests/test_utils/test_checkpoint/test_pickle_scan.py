import io
import pickle

import numpy as np
import pytest

from mmbcl.utils.checkpoint.pickle_scan import pickle_globals

from .planted import Planted


@pytest.mark.parametrize('protocol', range(pickle.HIGHEST_PROTOCOL + 1))
def test_scanner_sees_globals_in_every_protocol(protocol):
    data = pickle.dumps({'a': [Planted()], 'b': np.arange(3)},
                        protocol=protocol)
    found = pickle_globals(io.BytesIO(data))
    assert {'posix.system', 'os.system'} & found
    assert 'numpy.dtype' in found


def test_scanner_refuses_what_it_cannot_resolve():
    """A STACK_GLOBAL whose strings do not come straight from string
    opcodes is reported as unresolved, never guessed."""
    import pickletools  # noqa: F401  (the opcodes below, by hand)

    # PROTO 4, 'os', DUP, POP, 'system', STACK_GLOBAL, STOP
    data = (b'\x80\x04\x8c\x02os2\x30\x8c\x06system\x93.')
    assert pickle_globals(io.BytesIO(data)) == {'<unresolved global>'}
