"""What mmbcl's command-line tools share: one-line errors."""
import functools
from typing import Callable, Type


def one_line_errors(*errors: Type[BaseException]) -> Callable:
    """Decorate a tool's ``main``: ``errors`` end it with their message.

    A user mistake that mmbcl recognises (a planted or truncated checkpoint,
    a results file of the wrong kind, missing data) is printed as one line,
    ``error: <message>``, and the tool exits with status 1; anything else
    keeps its traceback.

    Example:
        >>> @one_line_errors(ValueError)
        ... def main():
        ...     raise ValueError('bad input')
        >>> try:
        ...     main()
        ... except SystemExit as stop:
        ...     print(stop)
        error: bad input
    """

    def decorate(main: Callable) -> Callable:

        @functools.wraps(main)
        def wrapped(*args, **kwargs):
            try:
                return main(*args, **kwargs)
            except errors as error:
                raise SystemExit(f'error: {error}') from None

        return wrapped

    return decorate
