"""Conversion probability (docs/design.md §5): naive-Bayes odds from the tenant's closed leads,
each attribute's rate smoothed towards the base rate; a fixed prior without history."""

from decimal import Decimal

from core.domain.components import ConversionStats, conversion_probability, lead_attributes

REFERRAL = lead_attributes("referral", None, "Acme")


def test_without_closed_leads_the_estimate_is_the_10_percent_prior():
    assert conversion_probability(REFERRAL, ConversionStats(0, 0, {})) == Decimal("10.00")


def test_attributes_without_history_leave_the_smoothed_base_rate():
    # 3 of 8 closed leads converted: (3 + 1) / (8 + 2) = 40%
    assert conversion_probability(REFERRAL, ConversionStats(3, 8, {})) == Decimal("40.00")


def test_an_attribute_rate_is_pulled_towards_the_base_rate_by_five_pseudo_leads():
    # base (4 + 1) / (8 + 2) = 0.5; referral won 3 of 3: (3 + 5 * 0.5) / (3 + 5) = 0.6875
    stats = ConversionStats(4, 8, {("source", "referral"): (3, 3)})
    assert conversion_probability(REFERRAL, stats) == Decimal("68.75")


def test_more_evidence_at_the_same_rate_moves_the_estimate_further_from_the_base():
    few = ConversionStats(10, 40, {("source", "referral"): (2, 2)})
    many = ConversionStats(10, 40, {("source", "referral"): (20, 20)})
    base = conversion_probability(REFERRAL, ConversionStats(10, 40, {}))
    assert base < conversion_probability(REFERRAL, few) < conversion_probability(REFERRAL, many)


def test_an_attribute_with_a_better_record_raises_the_estimate_and_a_worse_one_lowers_it():
    stats = ConversionStats(9, 20, {("source", "referral"): (8, 10), ("source", "cold_call"): (1, 10)})
    base = conversion_probability(REFERRAL, ConversionStats(9, 20, {}))
    cold_call = lead_attributes("cold_call", None, "Acme")
    assert conversion_probability(REFERRAL, stats) > base > conversion_probability(cold_call, stats)


def test_a_lead_is_compared_by_its_source_its_skill_and_whether_it_names_a_company():
    assert lead_attributes("event", "spanish", None) == [
        ("source", "event"), ("skill", "spanish"), ("has_company", "no")]
    assert lead_attributes("event", None, "Acme") == [
        ("source", "event"), ("skill", "none"), ("has_company", "yes")]
