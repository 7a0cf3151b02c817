"""Spans of text that are never corrected: URLs, user terms, Markdown/rST code."""
