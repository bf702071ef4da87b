"""The SQLAlchemy unit of work: one Session, one transaction, rolled back unless committed."""

from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.engine import READ_ONLY
from db.repositories.agents import SqlAgentRepository
from db.repositories.audit_log import SqlAuditRepository
from db.repositories.tenants import SqlTenantRepository
from db.repositories.users import SqlUserRepository


class SqlUnitOfWork:
    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine

    def __enter__(self) -> Self:
        self.session = Session(self._bind, expire_on_commit=False)
        self.users = SqlUserRepository(self.session)
        self.tenants = SqlTenantRepository(self.session)
        self.agents = SqlAgentRepository(self.session)
        self.audit = SqlAuditRepository(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
