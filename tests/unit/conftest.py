"""Fixtures of the unit tests."""

from types import SimpleNamespace

import pytest

from core import retry


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """core.retry's pauses between tries, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=slept.append))
    return slept
