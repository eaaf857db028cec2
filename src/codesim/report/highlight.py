"""Syntax highlighting of code for the report (Pygments, inline HTML + one stylesheet)."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_CSS_SCOPE = ".hl"
_FORMATTER = HtmlFormatter(cssclass=_CSS_SCOPE[1:], wrapcode=True)
_WHITESPACE_SPAN = re.compile(r'<span class="w">([^<]*)</span>')  # unstyled: plain text is the same, shorter


@lru_cache(maxsize=32)
def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language or "python", stripnl=False)
    except ClassNotFound:
        return get_lexer_by_name("text", stripnl=False)


def highlight_code(code: str, language: str = "python") -> Markup:
    """`code` as highlighted HTML (a `<div class="hl"><pre>...` block, escaped by Pygments)."""
    return Markup(_WHITESPACE_SPAN.sub(r"\1", highlight(code, _lexer(language), _FORMATTER)))


def highlight_css() -> str:
    """The stylesheet for highlighted blocks."""
    return _FORMATTER.get_style_defs(_CSS_SCOPE)
