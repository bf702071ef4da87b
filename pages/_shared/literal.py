"""User text shown as typed.

`st.success`, `st.error`, `st.caption`, `st.markdown` and the sidebar's text render their body as
Markdown (with Streamlit's extras: `:red[...]`, `:material/...:`, emoji codes, `$...$`), so a
lead named `**Pat** [x](http://e.x)` would appear bold with a link. Every message that carries
user text goes through `literal`; tables (`st.dataframe`) and `st.text` show text as it is.
"""

import html
import re
import string

# CommonMark lets a backslash escape any ASCII punctuation character, and an escaped one is
# plain text: no emphasis, link, heading, list, directive, autolink (`http\://`), entity or math.
_PUNCTUATION = re.compile(f"([{re.escape(string.punctuation)}])")


def literal(text: object) -> str:
    """`text` for a Markdown body, every punctuation character escaped."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def chart_text(text: object) -> str:
    """`text` for a Plotly label or hover: Plotly draws `<b>`, `<a href>`... as markup and shows
    entities as their characters."""
    return html.escape(str(text), quote=False)
