"""Dialogs and windows of their own: export, agreement, codebook, original, web import, report."""
