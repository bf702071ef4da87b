"""The capacity rule's quick yes-or-no (what the strategies ask per agent they pass over) agrees
with the sentence that refuses, on every case; an agent who may receive nothing more in a plan."""

import itertools
from dataclasses import replace

import pytest

from core.domain.rules import can_receive, may_receive_more, why_agent_cannot_receive
from core.domain.vocabulary import Availability
from tests.unit.builders import agent, lead

AGENTS = [agent(10, tenant_id=tenant, availability=availability, open_leads=open_leads,
                max_capacity=3, skills=skills)
          for tenant, availability, open_leads, skills in itertools.product(
              (1, 2), Availability, (0, 2, 3, 4), ((), ("sales",), ("sales", "spanish")))]
LEADS = [lead(1, tenant_id=tenant, skill=skill)
         for tenant, skill in itertools.product((1, 2), (None, "", "sales", "spanish", "enterprise"))]


@pytest.mark.parametrize("receiver", AGENTS)
def test_can_receive_says_yes_exactly_when_no_sentence_refuses(receiver):
    for new in LEADS:
        assert can_receive(receiver, new) == (why_agent_cannot_receive(receiver, new) is None)


@pytest.mark.parametrize("receiver", AGENTS)
def test_an_agent_who_may_receive_nothing_more_is_refused_every_lead(receiver):
    if not may_receive_more(receiver):
        assert not any(can_receive(receiver, new) for new in LEADS)
    else:
        assert can_receive(receiver, lead(1, tenant_id=receiver.tenant_id))


def test_one_more_lead_changes_the_open_count_only():
    before = agent(10, open_leads=2, max_capacity=3, skills=("sales", "spanish"), tenant_id=2)
    after = before.with_one_more_lead()
    assert after == replace(before, open_leads=3)
