"""Lead filters as URL parameters and saved-search JSON: a round trip keeps them, and bad or
unknown values are ignored with a note, never an error."""

from dataclasses import fields
from datetime import datetime

import pytest

from core.domain.lead_filter_params import from_params, to_params
from core.domain.leads import LeadFilters, LeadSort

NEW_ONLY = LeadFilters(statuses=("new",))
HOT_WEBSITE = LeadFilters(statuses=("new", "assigned"), categories=("hot",), sources=("website",),
                          agent_id=7, required_skill="spanish", score_min=40, score_max=90.5,
                          text="Acme & Co", sort=LeadSort.NEWEST, sla_breached=True,
                          due_within_minutes=30, sla_as_of=datetime(2026, 12, 2, 9, 15))


@pytest.mark.parametrize("filters", [LeadFilters(), NEW_ONLY, HOT_WEBSITE, LeadFilters(statuses=())])
@pytest.mark.parametrize("baseline", [LeadFilters(), NEW_ONLY])
def test_a_round_trip_keeps_every_field(filters, baseline):
    assert from_params(to_params(filters, baseline), baseline) == (filters, [])


def test_only_what_differs_from_the_page_start_is_written():
    assert to_params(NEW_ONLY, NEW_ONLY) == {}
    assert to_params(LeadFilters(), NEW_ONLY) == {"statuses": [""]}  # every status, not the start's
    assert to_params(HOT_WEBSITE)["sort"] == ["newest"] and to_params(HOT_WEBSITE)["score_min"] == ["40"]


def test_every_field_of_lead_filters_travels():
    # Read from the dataclass: a field added to LeadFilters (an SLA filter, say) travels too.
    # HOT_WEBSITE sets every field: give a new field a value there too.
    differ = {f.name for f in fields(LeadFilters)
              if getattr(HOT_WEBSITE, f.name) != getattr(NEW_ONLY, f.name)}
    assert differ == set(to_params(HOT_WEBSITE, NEW_ONLY)) and len(differ) == len(fields(LeadFilters))


@pytest.mark.parametrize("params, expected, ignored", [
    ({"statuses": ["new", "bogus"]}, LeadFilters(statuses=("new",)), ["statuses=bogus"]),
    ({"agent_id": ["seven"]}, NEW_ONLY, ["agent_id=seven"]),
    ({"score_min": ["nan"]}, NEW_ONLY, ["score_min=nan"]),
    ({"score_min": ["120"]}, NEW_ONLY, ["score_min=120"]),
    ({"sort": ["sideways"]}, NEW_ONLY, ["sort=sideways"]),
    ({"required_skill": ["juggling"]}, NEW_ONLY, ["required_skill=juggling"]),
    ({"text": ["x" * 101]}, NEW_ONLY, ["text=" + "x" * 101]),
    ({"utm_source": ["mail"]}, NEW_ONLY, []),  # not a filter: left alone
])
def test_bad_values_are_ignored_with_a_note(params, expected, ignored):
    assert from_params(params, NEW_ONLY) == (expected, ignored)


def test_values_fine_alone_but_not_together_give_the_start_and_say_why():
    filters, notes = from_params({"score_min": ["80"], "score_max": ["20"]}, NEW_ONLY)
    assert filters == NEW_ONLY and notes == ["The score range must lie within 0-100, low end first."]
