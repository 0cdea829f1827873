"""Read which Python globals a pickle references, without unpickling it.

Unpickling runs code: a pickle calls whatever globals it names
(``os.system``, ...). Every global a pickle can call is named in its opcode
stream (``GLOBAL``, ``INST``, ``STACK_GLOBAL``), so walking the opcodes with
:mod:`pickletools` (which executes nothing) lists them all. mmbcl refuses a
file that names any global outside an allowlist before anything loads it;
see :mod:`mmbcl.utils.checkpoint`.
"""
import io
import pickle
import pickletools
import zipfile
from typing import BinaryIO, Dict, Set

from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING

#: The opcodes that put a string on the stack (a ``STACK_GLOBAL`` reads
#: its module and name from the two last ones).
STRING_OPCODES = frozenset(
    ('SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'UNICODE', 'STRING',
     'BINSTRING', 'SHORT_BINSTRING'))
#: Opcodes through which a pickle reaches a global by a registry code; no
#: file mmbcl reads needs them, so they are always refused.
EXTENSION_OPCODES = frozenset(('EXT1', 'EXT2', 'EXT4'))

#: The first bytes of a file ``torch.save`` wrote in its legacy (pre-1.6,
#: ``_use_new_zipfile_serialization=False``) format: a pickled magic number.
LEGACY_TORCH_MAGIC = b'\x80\x02\x8a\x0a' + (
    0x1950a86a20f9469cfc6c).to_bytes(10, 'little')
#: A legacy file holds five pickles (magic number, protocol version,
#: system info, the object, its storage keys), then the raw storages.
LEGACY_PICKLES = 5


def _python3_name(module: str, name: str) -> str:
    """``module.name`` as Python 3 resolves it (protocols < 3 write some
    names under their Python 2 modules, ``__builtin__.getattr`` say)."""
    if (module, name) in NAME_MAPPING:
        module, name = NAME_MAPPING[(module, name)]
    else:
        module = IMPORT_MAPPING.get(module, module)
    return f'{module}.{name}'


def pickle_globals(stream: BinaryIO) -> Set[str]:
    """The globals one pickle in ``stream`` references, as ``module.name``.

    Reads the stream up to the pickle's ``STOP`` opcode and executes
    nothing. A ``STACK_GLOBAL`` whose module and name are not plain strings
    pushed just before it, and any extension-registry opcode, is reported as
    ``'<unresolved global>'`` (never allowed).

    Raises:
        ValueError: The bytes are not a pickle.
    """
    found, strings, memo = set(), [], {}
    try:
        for opcode, arg, _ in pickletools.genops(stream):
            name = opcode.name
            if name in STRING_OPCODES:
                strings.append(arg if isinstance(arg, str) else str(arg))
                continue
            if name in ('FRAME', 'PROTO'):
                continue  # framing, not data
            if name in ('GLOBAL', 'INST'):
                found.add(_python3_name(*arg.split(' ', 1)))
            elif name == 'STACK_GLOBAL':
                found.add(_python3_name(*strings[-2:]) if len(strings) >= 2
                          else '<unresolved global>')
            elif name in EXTENSION_OPCODES:
                found.add('<unresolved global>')
            elif name in ('BINPUT', 'LONG_BINPUT', 'PUT', 'MEMOIZE'):
                # a memoised string may come back by BINGET before a
                # STACK_GLOBAL: remember it under its memo index
                key = len(memo) if name == 'MEMOIZE' else arg
                memo[key] = strings[-1] if strings else None
                continue
            elif name in ('BINGET', 'LONG_BINGET', 'GET'):
                value = memo.get(arg)
                if isinstance(value, str):
                    strings.append(value)
                    continue
            strings = [] if name != 'STACK_GLOBAL' else strings[:-2]
    except Exception as error:  # pickletools raises ValueError and others
        raise ValueError(f'not a pickle ({error})') from None
    return found


def legacy_torch_file(stream: BinaryIO) -> bool:
    """Whether ``stream`` starts as a legacy-format ``torch.save`` file (the
    position is restored)."""
    start = stream.tell()
    head = stream.read(len(LEGACY_TORCH_MAGIC))
    stream.seek(start)
    return head == LEGACY_TORCH_MAGIC


def torch_file_globals(path: str) -> Set[str]:
    """The globals a ``torch.save`` file references, zip or legacy format.

    Raises:
        ValueError: The file is neither (its message says what it is not).
    """
    with open(path, 'rb') as f:
        if legacy_torch_file(f):
            found = set()
            for _ in range(LEGACY_PICKLES):
                found |= pickle_globals(f)
            return found
    return pickle_globals(io.BytesIO(torch_data_record(path)))


def torch_data_record(path: str) -> bytes:
    """The bytes of the ``data.pkl`` record that ``torch.load`` unpickles
    from a zip-format ``torch.save`` file, read through torch's own reader.

    torch looks records up without regard to case and reads one of two
    members of the same name, so an archive with two members whose names
    differ only in case (``archive/data.pkl`` and ``archive/DATA.PKL``) or
    with a name listed twice is refused: which of them a reader takes is
    not defined by the format.

    Raises:
        ValueError: The archive's records are ambiguous, or it has no
            ``data.pkl`` that torch can read.
    """
    import torch
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    seen = {}
    for name in names:
        if name.lower() in seen:
            raise ValueError(f'ambiguous records {seen[name.lower()]!r} and '
                             f'{name!r} (their names differ only in case, or '
                             'not at all)')
        seen[name.lower()] = name
    try:
        with open(path, 'rb') as f:
            return torch._C.PyTorchFileReader(f).get_record('data.pkl')
    except RuntimeError as error:
        reason = str(error).splitlines()[0] if str(error) else 'unreadable'
        raise ValueError(f'no data.pkl record torch can read ({reason})') \
            from None


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals it is given.

    Any other global (also through the extension registry) and any
    persistent id is refused with ``pickle.UnpicklingError``: the standard
    library's "restricting globals" pattern.

    Args:
        file: A binary stream.
        allowed (dict): ``'module.name'`` -> the object that name may
            resolve to.
    """

    def __init__(self, file: BinaryIO, allowed: Dict[str, object]):
        super().__init__(file)
        self.allowed = dict(allowed)

    def find_class(self, module: str, name: str):
        key = f'{module}.{name}'
        if key not in self.allowed:
            raise pickle.UnpicklingError(f'refusing to load global {key}')
        return self.allowed[key]
