from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Tenant


class SqlTenantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def id_for_slug(self, slug: str) -> int | None:
        return self.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
