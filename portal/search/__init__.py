"""The portal's search, one API whichever the database (see ``engines``).

Feature apps register their kinds in ``ready()`` (``registry.register``) and keep their documents
current through ``reindex``/``forget`` in the transaction that changes the data; views call
``search(scope, text)``, ``load(scope, page)`` or ``matching_ids(scope, kind, text)`` and never know
the engine. The names are read from ``portal.search.api`` on first use (the app registry loads this
package before its models exist).
"""

__all__ = ["Hit", "forget", "load", "matching", "matching_ids", "rebuild", "reindex", "search"]


def __getattr__(name: str):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
