"""The capacity page's routing panel: when routing last ran, what it placed and left, and the
first-contact SLA breaches of the tenant's day."""

import streamlit as st

from core.domain.batches import short_id
from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.routing.status import last_routing_run
from core.sla.breaches import breach_counts
from pages._shared import context
from pages._shared.feedback import attempt


def render_routing_panel(actor: Actor) -> None:
    run = attempt(lambda: last_routing_run(context.reader(), actor))
    breaches = attempt(lambda: breach_counts(context.reader(), actor, utcnow()))
    with st.container(border=True):
        st.markdown("**Routing**")
        if run is None:
            st.caption("Routing has not run yet: `python cli.py route` (every minute from cron) places "
                       "new leads by the routing rules.")
        cols = st.columns(4)
        if run is not None:
            cols[0].metric("Last run (UTC)", run.at.strftime("%Y-%m-%d %H:%M"))
            cols[1].metric("Leads placed", run.placed)
            cols[2].metric("Leads left", run.left, help="New leads no rule could place in that run.")
        if breaches is not None:
            cols[3].metric("SLA breaches today", breaches.today,
                           help="Leads whose first-contact SLA ran out since midnight (tenant's time "
                                "zone) and are still uncontacted, or were re-routed for it today.")
        if run is not None and run.batch_id:
            st.caption(f"Batch {short_id(run.batch_id)}: shown and undoable under Bulk operations.")
