"""A routing rule's lead filter: a whole list of leads at once (what a run asks, each score's
category worked out once) selects exactly the leads the filter matches one by one."""

import itertools
from dataclasses import replace
from decimal import Decimal

import pytest

from core.domain.placement import Candidate, Strategy
from core.domain.routing import CategoryOf, RuleSpec
from core.domain.scoring import Thresholds, category
from core.domain.vocabulary import SOURCES
from tests.unit.builders import lead

THRESHOLDS = Thresholds(Decimal("80"), Decimal("60.5"), Decimal("40"))
SCORES = (0.0, 39.99, 40.0, 60.49, 60.5, 79.99, 80.0, 100.0)
LEADS = [Candidate(replace(lead(n, skill=skill), source=SOURCES[n % len(SOURCES)]), score)
         for n, (score, skill) in enumerate(itertools.product(SCORES, (None, "spanish", "sales")))]
SPECS = [
    RuleSpec("Any"),
    RuleSpec("Hot website", sources=("website",), categories=("hot",)),
    RuleSpec("Warm or cold", categories=("warm", "cold"), strategy=Strategy.ROUND_ROBIN),
    RuleSpec("Middle scores", score_min=40.0, score_max=60.5),
    RuleSpec("Spanish", required_skill="spanish", categories=("nurture", "hot")),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_a_list_selects_what_the_filter_matches_one_by_one_in_order(spec):
    shared = CategoryOf(THRESHOLDS)
    assert spec.matching(LEADS, shared) == [c for c in LEADS if spec.matches(c, THRESHOLDS)]
    assert spec.matching(LEADS, shared) == spec.matching(LEADS, CategoryOf(THRESHOLDS))


def test_a_score_has_the_category_the_thresholds_give_it():
    category_of = CategoryOf(THRESHOLDS)
    for score in (*SCORES, *SCORES):
        assert category_of(score) == category(Decimal(str(score)), THRESHOLDS).value
