"""Routing rules (docs/routing.md): which new leads go to which agents by which strategy.

A tenant's rules form an ordered list. A lead goes to the first active rule whose filter
matches it and that can place it; a rule that matches but cannot place it passes it on.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.domain.errors import InvalidInput
from core.domain.placement import Candidate, Strategy
from core.domain.rules import AgentState
from core.domain.scoring import Thresholds, category
from core.domain.vocabulary import SKILLS, SOURCES, ScoreCategory

MAX_NAME = 80
# Manual is left out: it needs a person to name the agent, and a rule that always sends
# leads to one named agent is a team of one (scope the rule to that agent's team instead).
ROUTING_STRATEGIES = (Strategy.LEAST_LOADED, Strategy.ROUND_ROBIN, Strategy.PERFORMANCE, Strategy.SKILLS)


class CategoryOf:
    """Each score's category (its value), worked out once: a run asks it of thousands of
    leads for every rule that filters by category, and Decimal(str(score)) is not cheap."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self.known: dict[float, str] = {}

    def __call__(self, score: float) -> str:
        found = self.known.get(score)
        if found is None:
            found = self.known[score] = category(Decimal(str(score)), self.thresholds).value
        return found


@dataclass(frozen=True)
class RuleSpec:
    """What an admin writes: which leads, which agents, which strategy, and when."""

    name: str
    sources: tuple[str, ...] = ()          # empty: any source
    categories: tuple[str, ...] = ()       # empty: any category
    score_min: float = 0.0
    score_max: float = 100.0
    required_skill: str | None = None      # leads that require this skill
    teams: tuple[str, ...] = ()            # empty: every team
    agent_skill: str | None = None         # only agents with this skill
    strategy: Strategy = Strategy.LEAST_LOADED
    on_arrival: bool = False               # also route imported leads at once
    active: bool = True
    reroute_breached: bool = False         # stored; the SLA re-route uses it (issue #19)

    def validated(self) -> "RuleSpec":
        name = self.name.strip()
        if not name or len(name) > MAX_NAME:
            raise InvalidInput(f"A rule needs a name of 1 to {MAX_NAME} characters.")
        if self.strategy not in ROUTING_STRATEGIES:
            raise InvalidInput(f"A routing rule cannot use the {self.strategy.value} strategy: it "
                               "needs a person to choose the agent. Pick least loaded, round robin, "
                               "performance or skills.")
        unknown = ((set(self.sources) - set(SOURCES)) | (set(self.categories) - set(ScoreCategory))
                   | ({self.required_skill, self.agent_skill} - {None, *SKILLS}))
        if unknown:
            raise InvalidInput(f"Unknown value(s) in the rule: {', '.join(sorted(map(str, unknown)))}.")
        if not 0 <= self.score_min <= self.score_max <= 100:
            raise InvalidInput("The score range must lie within 0-100, low end first.")
        if any(not team.strip() for team in self.teams):
            raise InvalidInput("A team name may not be empty.")
        return self

    def matches(self, lead: Candidate, thresholds: Thresholds) -> bool:
        """Does this new lead fall under the rule's lead filter?"""
        return bool(self.matching([lead], CategoryOf(thresholds)))

    def matching(self, leads: Iterable[Candidate], category_of: CategoryOf) -> list[Candidate]:
        """The leads that fall under the rule's lead filter, in their order; the category,
        the one dear test, comes last."""
        sources, categories, skill = self.sources, self.categories, self.required_skill
        low, high = self.score_min, self.score_max
        return [c for c in leads
                if (not sources or c.lead.source in sources)
                and low <= c.score <= high
                and (not skill or c.lead.required_skill == skill)
                and (not categories or category_of(c.score) in categories)]

    def describe_leads(self) -> str:
        parts = [" or ".join(self.sources) or "any source", " or ".join(self.categories) or "any category"]
        if (self.score_min, self.score_max) != (0.0, 100.0):
            parts.append(f"score {self.score_min:g}-{self.score_max:g}")
        if self.required_skill:
            parts.append(f"needing {self.required_skill}")
        return ", ".join(parts)

    def describe_agents(self) -> str:
        teams = " or ".join(self.teams) if self.teams else "any team"
        return teams + (f", with skill {self.agent_skill}" if self.agent_skill else "")


@dataclass(frozen=True)
class RoutingRule:
    """A stored rule: its place in the list and its version (bumped on every change)."""

    id: int
    tenant_id: int
    position: int
    version: int
    spec: RuleSpec

    @property
    def name(self) -> str:
        return self.spec.name


def stale_rule(name: str) -> str:
    return (f"Rule '{name}' was changed by someone else since you opened it. Nothing was saved: "
            "reload the page to see their change, then make yours again.")


@dataclass(frozen=True)
class LeftOut:
    """An agent routing passes over now (away, offline, busy, or off shift), and why: the
    reason given for a lead left when none of a rule's agents may receive it."""

    agent: AgentState
    off_shift: bool
    why: str


@dataclass(frozen=True)
class RoutingRun:
    """The tenant's last routing run, for the capacity page's routing panel."""

    at: datetime
    placed: int
    left: int
    batch_id: str | None
