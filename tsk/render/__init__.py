"""Rendering: tables, CSV, JSON, Markdown and HTML from the rows the core returns. The only layer besides the commands that writes output."""
