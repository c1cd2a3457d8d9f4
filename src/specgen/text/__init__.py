"""Spec text: Markdown rendered to safe HTML (block, inline and plain forms) and ID references in prose."""
