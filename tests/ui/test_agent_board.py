"""One agent's history on the agents tab: a running total per day, each badge on its own day."""

from datetime import datetime

from core.domain.gamification import BadgeKind, PointsReason
from core.domain.standings import BadgeAward, PointsEntry
from core.gamification.standings import AgentHistory
from pages._shared.agent_board import history_frame


def test_a_badge_marks_its_own_day_only_and_the_total_runs_on():
    entries = [PointsEntry(datetime(2026, 11, d, 10), points, PointsReason.CONVERTED, d)
               for d, points in ((1, 100), (3, 20), (5, -5))]
    badges = [BadgeAward(7, BadgeKind.FIRST_CONVERSION, datetime(2026, 11, 1, 10)),
              BadgeAward(7, BadgeKind.HOT_STREAK, datetime(2026, 11, 4, 9))]
    frame = history_frame(AgentHistory(7, "Ana", entries, badges))
    assert [str(d) for d in frame["Day"]] == ["2026-11-01", "2026-11-03", "2026-11-04", "2026-11-05"]
    assert frame["Total"].tolist() == [100, 120, 120, 115]
    assert frame["Points"].tolist() == [100, 20, 0, -5]
    assert frame["Badge"].tolist() == ["First conversion", "", "Hot streak", ""]
