import json

from sqlalchemy import Connection, insert, select

from core.domain.audit_chain import CHAINS, GENESIS_HASH, head_mac
from core.domain.clock import utcnow
from core.domain.scoring import Thresholds, Weights
from core.domain.vocabulary import DEFAULT_SOURCE_QUALITY
from db.audit_key import audit_key_of
from db.models import AuditHead, ScoringWeights, Tenant
from db.results import inserted_id


class SqlTenantRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def id_for_slug(self, slug: str) -> int | None:
        return self.connection.scalar(select(Tenant.id).where(Tenant.slug == slug))

    def all_slugs(self) -> list[str]:
        return list(self.connection.scalars(select(Tenant.slug).order_by(Tenant.slug)))

    def add(self, *, slug: str, name: str) -> int:
        key = audit_key_of(self.connection)
        now = utcnow()
        tenant_id = inserted_id(self.connection.execute(
            insert(Tenant).values(slug=slug, name=name, created_at=now)))
        self.connection.execute(insert(AuditHead), [
            dict(tenant_id=tenant_id, chain=chain, seq=0, head_hash=GENESIS_HASH,
                 head_mac=head_mac(key, tenant_id=tenant_id, chain=chain, seq=0,
                                   head_hash=GENESIS_HASH))
            for chain in range(1, CHAINS + 1)])
        weights, thresholds = Weights(), Thresholds()
        self.connection.execute(insert(ScoringWeights).values(
            tenant_id=tenant_id, version=1,
            source_quality_weight=weights.source_quality, engagement_weight=weights.engagement,
            conversion_weight=weights.conversion, urgency_weight=weights.urgency,
            hot_threshold=thresholds.hot, warm_threshold=thresholds.warm,
            cold_threshold=thresholds.cold, source_quality_json=json.dumps(DEFAULT_SOURCE_QUALITY),
            created_by=None, created_at=now, reason="Default weights",
        ))
        return tenant_id
