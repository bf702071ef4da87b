"""Read use cases over leads: the filtered, paginated list and one lead's full detail."""

from core.domain.errors import InvalidInput, NotFound
from core.domain.identity import Actor
from core.domain.leads import COUNT_LIMIT, LeadDetail, LeadFilters, LeadPage
from core.domain.pager import offset_of
from core.domain.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

MAX_PAGE_SIZE = 200


@retry_on_conflict
def search_leads(uow: UnitOfWork, actor: Actor, filters: LeadFilters, *, page: int = 1,
                 page_size: int = 50, count: bool = True) -> LeadPage:
    """A page of the matching leads; `count=False` skips counting them (a top-N list that
    shows no pager)."""
    actor.require(Permission.VIEW_DASHBOARDS)
    filters = filters.validated()
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"Page size must be 1-{MAX_PAGE_SIZE}.")
    page = max(page, 1)
    with uow:
        rows, total = uow.leads.search(actor.tenant_id, filters, offset=offset_of(page, page_size),
                                       limit=page_size, count_limit=COUNT_LIMIT if count else None)
    return LeadPage(rows, total, page, page_size)


@retry_on_conflict
def lead_detail(uow: UnitOfWork, actor: Actor, lead_id: int) -> LeadDetail:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        detail = uow.leads.detail(actor.tenant_id, lead_id)
    if detail is None:
        raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
    return detail
