"""User text is shown as typed wherever Streamlit renders Markdown (issue 21, item 6)."""

import pandas as pd
import pytest
from sqlalchemy import update

from db.models import Lead, User
from pages._shared.capacity_views import utilization_chart
from pages._shared.literal import chart_text, literal
from tests.ui import test_bulk_page as bulk_page
from tests.ui import test_lead_assignment_page as lead_page
from tests.ui.rendering import as_html, as_text, shows_literally

NASTY = [
    "**Bold Pat** [x](http://e.x)",
    "_em_ `code` ~~gone~~ ![img](http://e.x/i.png)",
    "# Heading", "1. listed", "- bullet", "> quoted", "Ana <b>Ruiz</b> &lt;b&gt;",
    r"back\slash \*still\* literal", ":red[coloured] :material/home: :smile:", "$x^2$",
    "http://plain.example www.example.com ana@example.com", "a | b | c", "-> <- -- >=",
]


@pytest.mark.parametrize("text", NASTY)
def test_literal_text_renders_as_typed(text):
    assert shows_literally(literal(text), text)
    assert as_text(f"Lead #7 ({literal(text)}) is assigned.") == f"Lead #7 ({text}) is assigned."


def test_plain_words_are_left_alone():
    assert literal("Ana Ruiz") == "Ana Ruiz"


def test_chart_labels_carry_no_markup():
    # Plotly draws <b>, <i>, <a href> in labels as markup, and decodes entities back to text.
    assert chart_text("<b>Ana</b> & co") == "&lt;b&gt;Ana&lt;/b&gt; &amp; co"


# --- on the pages ---------------------------------------------------------------------------

MARKED_UP = "**Bold Pat** [x](http://e.x)"


def bodies(elements) -> list[str]:
    return [str(e.value) for e in elements]


def test_a_lead_name_in_the_assign_message_is_shown_as_typed(demo_url, engine):
    lead_id, agents = lead_page.new_lead_and_agents(engine)
    with engine.begin() as c:
        c.execute(update(Lead).where(Lead.id == lead_id).values(name=MARKED_UP))
    roomy = next(a for a in agents if a.open_leads < a.max_capacity)
    at = lead_page.pick_lead(lead_page.open_page(), lead_id)
    lead_page.pick_agent(at, "assign_agent", roomy.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    said = next(body for body in bodies(at.success) if "is assigned to" in body)
    assert shows_literally(said, f"Lead #{lead_id} ({MARKED_UP}) is assigned to {roomy.name}.")


def test_a_display_name_in_the_sidebar_is_shown_as_typed(demo_url, engine):
    with engine.begin() as c:
        c.execute(update(User).where(User.username == "supervisor").values(name=MARKED_UP))
    at = lead_page.open_page()
    body = next(body for body in bodies(at.sidebar.markdown) if "supervisor" in body)
    assert as_text(body) == f"{MARKED_UP} · supervisor"
    assert as_html(body).count("<strong>") == 1 and "<a " not in as_html(body)  # only the name's own bold


def test_an_uploaded_header_row_is_shown_as_typed(demo_url):
    at = bulk_page.open_page()
    data = f"name,{MARKED_UP}\nPat,x\n".encode()
    at.file_uploader(key="im_file").upload("leads.csv", data, "text/csv").run()
    assert not at.exception
    caption = next(body for body in bodies(at.caption) if "columns:" in body)
    assert shows_literally(caption, f"columns: name, {MARKED_UP}")


def test_agent_names_in_the_utilization_chart_carry_no_markup():
    frame = pd.DataFrame({"Agent": ["<b>Ana</b> <a href='http://e.x'>x</a>"], "Utilization": [50.0],
                          "Open": [5], "Max": [10], "Availability": ["available"]})
    figure = utilization_chart(frame)
    assert list(figure.data[0].y) == ["&lt;b&gt;Ana&lt;/b&gt; &lt;a href='http://e.x'&gt;x&lt;/a&gt;"]
