"""Documents: every PDF the portal issues is rendered once, in the ``documents`` worker, stored, and
served from storage. Feature apps register their kinds (``register``) in ``AppConfig.ready()``."""

from .registry import DocumentKind, UnknownDocumentKind, document_kind, document_kinds, register, unregister

__all__ = ["DocumentKind", "UnknownDocumentKind", "document_kind", "document_kinds", "register", "unregister"]
