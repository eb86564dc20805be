"""sqlite-utils' `Database`, loaded without its optional pandas and numpy column types.

sqlite-utils imports pandas and numpy when it is imported, whenever they are installed, only
to map their scalar types to column types. Annotator never hands it pandas or numpy values
(plain Python values only), and the imports cost 0.3–0.7 s of every start. Nor are
sqlite-utils plugins loaded (see `_without_plugins`). Every module of the store imports
`Database` from here.
"""

from __future__ import annotations

import sys

_OPTIONAL = ("pandas", "numpy")


def _load_without_optional_types() -> None:
    blocked = [name for name in _OPTIONAL if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def _without_plugins() -> None:
    """sqlite-utils plugins installed alongside may register SQL functions on every connection
    it opens (`prepare_connection`); finding them scans every installed package's metadata.
    Annotator's connections are its own: plugins are never loaded into them."""
    import sqlite_utils.plugins as plugins

    if hasattr(plugins, "_plugins_loaded"):
        plugins._plugins_loaded = True


_load_without_optional_types()
_without_plugins()

from sqlite_utils import Database  # noqa: E402

__all__ = ["Database"]
