"""The audit log as the audit page reads it, newest first, filtered in SQL.

Each filter is served by an index of migration 0012 that holds the rows in (at, id) order after
its equality columns, so a screen reads its rows and stops (docs/search-and-audit.md). Names a
person types are resolved first, by small queries of their own: an actor to the user names it
may mean, a batch's short id to the batches it starts. The main query then compares constants.
"""

from datetime import datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, text

from core.domain.audit import AuditCursor, AuditFilters, AuditRecord, reason_words
from db.models import AuditRow, Batch, User
from db.results import AnySelect

Q = TypeVar("Q", bound=AnySelect)

BATCHES_PER_SHORT_ID = 20  # ids sharing a short id (8 hex digits of a UUID): in practice one
AUDIT_COLUMNS = (AuditRow.at, AuditRow.actor_name, AuditRow.action, AuditRow.entity_type, AuditRow.entity_id,
            AuditRow.before_json, AuditRow.after_json, AuditRow.reason, AuditRow.batch_id, AuditRow.id)


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _older_than(cursor: AuditCursor) -> ColumnElement[bool]:
    # `at <= x` is a plain bound any (…, at DESC, id DESC) index checks on its entries, from x
    # down; the second term only drops the few rows at exactly x that the previous screen
    # showed. (A row-value comparison (at, id) < (x, y) reads the same, but MariaDB 10.11 read a
    # screen 180,000 rows deep with it in 0.3 s: not every optimizer uses it as a bound.)
    return and_(AuditRow.at <= cursor.at, or_(AuditRow.at < cursor.at, AuditRow.id < cursor.id))


class SqlAuditReader:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def screen(self, tenant_id: int, filters: AuditFilters, *, limit: int,
               older_than: AuditCursor | None = None) -> list[AuditRecord]:
        query = self.where(select(*AUDIT_COLUMNS), tenant_id, filters)
        if older_than is not None:
            query = query.where(_older_than(older_than))
        query = query.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
        return [AuditRecord(**row._asdict()) for row in self.connection.execute(query)]

    def actions(self, tenant_id: int) -> list[str]:
        # Grouped by the index's own leading columns, MySQL/MariaDB read ix_audit_log_action by a
        # loose scan, one probe per distinct action (0.7 ms at 200,000 rows; DISTINCT action or
        # GROUP BY action alone read every entry: 90 ms).
        return list(self.connection.scalars(select(AuditRow.action).where(AuditRow.tenant_id == tenant_id)
                                            .group_by(AuditRow.tenant_id, AuditRow.action)
                                            .order_by(AuditRow.action)))

    # --- filters ------------------------------------------------------------------------------

    def where(self, query: Q, tenant_id: int, f: AuditFilters) -> Q:
        """The query narrowed to the tenant and the filters (the screens and the exports)."""
        query = query.where(AuditRow.tenant_id == tenant_id)
        if f.action:
            query = query.where(AuditRow.action == f.action)
        if f.actor_name:
            query = query.where(AuditRow.actor_name.in_(self._actor_names(tenant_id, f.actor_name)))
        if f.entity_type:
            query = query.where(AuditRow.entity_type == f.entity_type)
        if f.entity_id:
            query = query.where(AuditRow.entity_id == f.entity_id)
        if f.batch_id:
            query = query.where(self._batch(tenant_id, f.batch_id))
        if f.since:
            query = query.where(AuditRow.at >= datetime.combine(f.since, time.min))
        if f.until:
            query = query.where(AuditRow.at < datetime.combine(f.until + timedelta(days=1), time.min))
        if f.reason_text.strip():
            query = query.where(self._reason_matches(f.reason_text.strip()))
        return query

    def _actor_names(self, tenant_id: int, typed: str) -> list[str]:
        """The user names a person may mean: the user name itself, or users whose display name
        contains the text (any case); the text itself when it names no user (`cli` has no user
        row). One name makes the screen an equality on ix_audit_log_actor."""
        wanted = typed.strip().lower()
        pattern = "%" + _like_escaped(wanted) + "%"
        names = self.connection.scalars(select(User.username).where(
            User.tenant_id == tenant_id,
            or_(func.lower(User.username) == wanted, func.lower(User.name).like(pattern, escape="\\"))))
        return sorted(set(names)) or [wanted]

    def _batch(self, tenant_id: int, typed: str) -> ColumnElement[bool]:
        """A batch by the short id every screen shows, or by its whole id."""
        typed = typed.strip().lower()
        pattern = _like_escaped(typed) + "%"
        ids = list(self.connection.scalars(
            select(Batch.id).where(Batch.tenant_id == tenant_id, Batch.id.like(pattern, escape="\\"))
            .order_by(Batch.id).limit(BATCHES_PER_SHORT_ID)))
        if ids:
            return AuditRow.batch_id.in_(ids)
        # A batch id without a batch row (none is written so today): its rows by prefix.
        return AuditRow.batch_id.like(pattern, escape="\\")

    def _reason_matches(self, typed: str) -> ColumnElement[bool]:
        """Every word of the text in the reason. On MySQL/MariaDB the FULLTEXT index finds the
        rows (each word as a prefix, in boolean mode), and LIKE keeps the text's exact sense
        among them; SQLite has no such index and scans (docs/search-and-audit.md)."""
        words = reason_words(typed)
        contains = [AuditRow.reason.like("%" + _like_escaped(w) + "%", escape="\\") for w in words]
        if self.connection.dialect.name != "mysql":
            return and_(*contains)
        match = text("MATCH (audit_log.reason) AGAINST (:reason_words IN BOOLEAN MODE)").bindparams(
            reason_words=" ".join(f"+{w}*" for w in words))
        return and_(match, *contains)
