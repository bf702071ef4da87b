"""What a person reads where Streamlit renders Markdown: the HTML a CommonMark parser makes of
an element's body, and its text. (markdown-it-py comes with Streamlit, through rich.)"""

import html
import re

from markdown_it import MarkdownIt

# Streamlit shows HTML in Markdown as text (unsafe_allow_html is never used): so does this parser.
_PARSER = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")
FORMATTING = ("<strong", "<em", "<a ", "<code", "<del", "<img", "<h1", "<h2", "<ul", "<ol", "<blockquote")


def as_html(markdown: str) -> str:
    return _PARSER.render(markdown)


def as_text(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", as_html(markdown))).strip()


def shows_literally(markdown: str, user_text: str) -> bool:
    """The user's text reads as typed, and nothing in the body turned into formatting."""
    rendered = as_html(markdown)
    return user_text in as_text(markdown) and not any(tag in rendered for tag in FORMATTING)
