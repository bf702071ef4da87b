"""Creating a tenant: an operator's act at the command line, not a page's."""

import re

from core.domain.audit import AuditEntry
from core.domain.errors import InvalidInput
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


@retry_on_conflict
def create_tenant(uow: UnitOfWork, *, slug: str, name: str) -> int:
    slug = slug.strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(
            f"Tenant slug {slug!r} is not allowed: use 2-64 lower-case letters, digits or '-'."
        )
    if not name.strip():
        raise InvalidInput("A tenant needs a name.")
    with uow:
        if uow.tenants.id_for_slug(slug) is not None:
            raise InvalidInput(f"Tenant {slug} exists already. Choose another slug.")
        tenant_id = uow.tenants.add(slug=slug, name=name.strip())
        uow.audit.append(AuditEntry(
            tenant_id=tenant_id, actor_user_id=None, actor_name="cli", action="tenant.created",
            entity_type="tenant", entity_id=str(tenant_id), after={"slug": slug, "name": name.strip()},
        ))
        uow.commit()
        return tenant_id
