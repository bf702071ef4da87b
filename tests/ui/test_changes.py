"""Before and after of an audited change, as a person reads them: the fields that changed."""

import json

from pages._shared.changes import describe_change


def j(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def test_only_the_fields_that_changed_are_listed_old_to_new():
    assert describe_change(j({"max_capacity": 12, "availability": "available"}),
                           j({"max_capacity": 8, "availability": "available"})) == "max capacity: 12 → 8"


def test_an_empty_value_reads_as_a_dash_and_new_fields_show_their_value():
    assert describe_change(j({"status": "new", "agent_id": None}),
                           j({"status": "assigned", "agent_id": 7, "agent": "Ana Ruiz"})) == (
        "status: new → assigned; agent id: — → 7; agent: Ana Ruiz")


def test_a_change_with_only_an_after_or_only_a_before_lists_those_values():
    assert describe_change(None, j({"imported": 40, "refused": 2})) == "imported: 40; refused: 2"
    assert describe_change(j({"status": "assigned"}), None) == "status: assigned → —"
    assert describe_change(None, None) is None


def test_nested_values_list_their_own_changed_parts():
    before = {"weights": ["0.25", "0.25", "0.30", "0.20"], "source_quality": {"website": 60, "email": 45}}
    after = {"weights": ["0.25", "0.25", "0.30", "0.40"], "source_quality": {"website": 99, "email": 45}}
    assert describe_change(j(before), j(after)) == (
        "weights: 0.25, 0.25, 0.30, 0.20 → 0.25, 0.25, 0.30, 0.40; source quality website: 60 → 99")


def test_text_that_is_not_a_json_object_is_shown_as_it_is():
    assert describe_change(None, "not json {") == "not json {"
    assert describe_change(j([1, 2]), j([1, 3])) == "1, 2 → 1, 3"
