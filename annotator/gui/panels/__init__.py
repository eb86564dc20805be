"""The panels around the reading view: documents, annotations, inspector, search, review."""
