"""The printable page every paper tsk prints is set in: the forms of 粤农信联发〔2008〕250号
(`tsk show --form … --format html`) and the letters to the customer (`tsk notice … --format
html`). One frame: a standalone UTF-8 HTML page in Chinese, A4, black on white, serif type;
each paper adds its own body and the rules of its own layout."""

from __future__ import annotations

import html

# What every paper shares: the sheet, its type, no colour lost in print.
FRAME_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 11pt; color: #000; background: #fff;
       margin: 0 auto; max-width: 180mm; }
h1 { text-align: center; font-size: 18pt; letter-spacing: 0.3em; margin: 0 0 2mm; }
@media print { * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def page(title: str, body: str, css: str = "") -> str:
    """A whole page: `title` (plain text, escaped here) in its head, `body` (HTML, escaped by
    the caller) in its body, and the paper's own `css` after the frame's."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{FRAME_CSS}{css}</style>
</head>
<body>
{body}
</body>
</html>"""
