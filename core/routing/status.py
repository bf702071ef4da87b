"""What routing did last, for the capacity page's routing panel."""

from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.routing import RoutingRun
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


@retry_on_conflict
def last_routing_run(uow: UnitOfWork, actor: Actor) -> RoutingRun | None:
    """When the tenant's last routing run was, how many leads it placed and left; None: never."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return uow.routing.last_run(actor.tenant_id)
