"""Lead filters in the URL (a reload keeps them, a link shares them, bad values are ignored with
a note) and saved searches (save, apply, rename, delete), on each page that lists leads."""

import pytest

from tests.ui.conftest import logged_in_app, messages
from tests.ui.rendering import as_text
from tests.ui.test_lead_assignment_page import lead_list

ASSIGNMENT, BULK = "pages/lead_assignment.py", "pages/bulk_operations.py"
BOARD = "pages/scoring_leaderboard.py"


def opened(page, params=None, role="supervisor"):
    at = logged_in_app(role, role)
    for name, values in (params or {}).items():
        at.query_params[name] = values
    at.switch_page(page).run()
    assert not at.exception
    return at


def captions(at):
    return " ".join(as_text(c.value) for c in at.caption)


def param(at, name):
    """A URL parameter's values (AppTest gives one value as a string)."""
    value = at.query_params[name]
    return [value] if isinstance(value, str) else list(value)


def test_a_link_sets_the_filters_and_the_list(demo_url):
    at = opened(ASSIGNMENT, {"statuses": ["assigned", "contacted"], "sources": ["website"], "sort": "newest"})
    assert at.multiselect(key="f_status").value == ["assigned", "contacted"]
    assert at.multiselect(key="f_source").value == ["website"]
    assert at.selectbox(key="f_sort").value.name == "NEWEST"
    listed = lead_list(at).value
    assert len(listed) and set(listed["Status"]) <= {"assigned", "contacted"}
    assert set(listed["Source"]) == {"website"}


def test_changed_filters_go_into_the_url_and_back_to_the_start_leave_it(demo_url):
    at = opened(ASSIGNMENT)
    assert "statuses" not in at.query_params  # the page's start (new leads) needs no parameter
    at.multiselect(key="f_category").select("hot").run()
    at.multiselect(key="f_status").unselect("new").run()
    assert param(at, "categories") == ["hot"] and param(at, "statuses") == [""]
    at.multiselect(key="f_category").unselect("hot").run()
    assert "categories" not in at.query_params


def test_bad_values_in_the_link_are_ignored_with_a_note(demo_url):
    at = opened(ASSIGNMENT, {"statuses": ["assigned", "bogus"], "score_min": "lots", "agent_id": "99999"})
    assert at.multiselect(key="f_status").value == ["assigned"]
    assert at.slider(key="f_score").value == (0, 100)
    assert at.selectbox(key="f_agent").value is None
    note = captions(at)
    assert "Ignored from the link" in note and "statuses=bogus" in note and "score_min=lots" in note
    assert "agent #99999 is not in your team" in note


@pytest.mark.parametrize("page, prefix", [(ASSIGNMENT, "f"), (BULK, "bkf"), (BOARD, "lb")])
def test_save_apply_rename_and_delete_a_search_on_every_lead_table(demo_url, page, prefix):
    at = opened(page, {"categories": ["hot"], "sources": ["website"]})
    at.text_input(key=f"{prefix}_saved_name").input("Hot website leads").run()
    at.button(key=f"{prefix}_saved_save").click().run()
    assert 'Saved "Hot website leads"' in messages(at)
    at.multiselect(key=f"{prefix}_category").unselect("hot").run()
    at.multiselect(key=f"{prefix}_source").unselect("website").run()
    at.selectbox(key=f"{prefix}_saved").select_index(0).run()
    at.button(key=f"{prefix}_saved_apply").click().run()
    assert not at.exception and 'Applied "Hot website leads"' in messages(at)
    assert at.multiselect(key=f"{prefix}_category").value == ["hot"]
    assert at.multiselect(key=f"{prefix}_source").value == ["website"]
    assert param(at, "categories") == ["hot"]
    at.text_input(key=f"{prefix}_saved_name").input("Hot web").run()
    at.button(key=f"{prefix}_saved_rename").click().run()
    assert at.selectbox(key=f"{prefix}_saved").options == ["Hot web"]
    at.button(key=f"{prefix}_saved_delete").click().run()  # asks first, naming the search
    assert not at.exception and at.selectbox(key=f"{prefix}_saved").options == ["Hot web"]
    assert 'Delete your saved search "Hot web"' in messages(at)
    at.button(key=f"{prefix}_saved_delete_keep").click().run()
    assert at.selectbox(key=f"{prefix}_saved").options == ["Hot web"]
    assert 'Delete your saved search' not in messages(at)
    at.button(key=f"{prefix}_saved_delete").click().run()
    at.button(key=f"{prefix}_saved_delete_confirm").click().run()
    assert not at.exception and "No saved searches yet" in captions(at)
    assert 'Deleted the saved search "Hot web"' in messages(at)


def test_a_duplicate_name_is_refused_naming_the_rule(demo_url):
    at = opened(ASSIGNMENT)
    for _ in range(2):
        at.text_input(key="f_saved_name").input("Mine").run()
        at.button(key="f_saved_save").click().run()
    assert "each of your saved searches needs its own name" in messages(at) and not at.exception


def test_another_user_does_not_see_them(demo_url):
    at = opened(ASSIGNMENT)
    at.text_input(key="f_saved_name").input("Mine").run()
    at.button(key="f_saved_save").click().run()
    other = opened(BOARD, role="manager")
    assert "No saved searches yet" in captions(other)
