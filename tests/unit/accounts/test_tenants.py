import pytest

from core.accounts.tenants import create_tenant
from core.domain.errors import InvalidInput
from tests.unit.fakes import FakeUnitOfWork


def test_new_tenant_is_created_and_audited_in_its_own_chain():
    uow = FakeUnitOfWork(tenants={"acme": 1})
    tenant_id = create_tenant(uow, slug="Northwind", name=" Northwind Sales ")
    assert uow.tenants.slugs["northwind"] == tenant_id == 2
    entry = uow.audit.entries[-1]
    assert (entry.tenant_id, entry.action, entry.after) == (
        2, "tenant.created", {"slug": "northwind", "name": "Northwind Sales"})


@pytest.mark.parametrize("slug, name, message", [
    ("acme", "Again", "exists already"),
    ("no spaces", "X", "is not allowed"),
    ("ok-slug", "  ", "needs a name"),
])
def test_bad_tenant_is_refused(slug, name, message):
    uow = FakeUnitOfWork(tenants={"acme": 1})
    with pytest.raises(InvalidInput, match=message):
        create_tenant(uow, slug=slug, name=name)
    assert uow.tenants.slugs == {"acme": 1} and uow.audit.entries == []
