from sqlalchemy import select
from sqlalchemy.orm import Session

from core.capacity import AgentLoad
from core.domain import Availability, parse_skills
from db.models import Agent


class SqlAgentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def loads(self, tenant_id: int) -> list[AgentLoad]:
        rows = self.session.execute(
            select(
                Agent.id, Agent.name, Agent.team, Agent.skills, Agent.availability,
                Agent.max_capacity, Agent.open_leads,
            )
            .where(Agent.tenant_id == tenant_id)
            .order_by(Agent.name, Agent.id)
        )
        return [
            AgentLoad(
                agent_id=r.id, name=r.name, team=r.team, skills=parse_skills(r.skills),
                availability=Availability(r.availability), max_capacity=r.max_capacity,
                open_leads=r.open_leads,
            )
            for r in rows
        ]
