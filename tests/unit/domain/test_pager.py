"""The pager: page numbers to offsets, counts to pages, and the page shown kept in range."""

import pytest

from core.domain.pager import Pager, offset_of


@pytest.mark.parametrize("page, expected", [(1, 0), (2, 50), (3, 100), (0, 0), (-4, 0)])
def test_the_offset_skips_the_pages_before_and_anything_below_page_1_is_page_1(page, expected):
    assert offset_of(page, 50) == expected


@pytest.mark.parametrize("counted, pages", [(0, 1), (1, 1), (50, 1), (51, 2), (100, 2), (101, 3)])
def test_pages_are_the_counted_rows_over_the_page_size_rounded_up_and_at_least_one(counted, pages):
    assert Pager(1, 50, counted).pages == pages


@pytest.mark.parametrize("page, shown", [(2, 2), (9, 3), (0, 1), (-1, 1)])
def test_the_page_shown_is_the_page_asked_for_within_the_pages_there_are(page, shown):
    assert Pager(page, 10, 25).shown_page == shown
