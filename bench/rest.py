"""Waiting for a MySQL server to be at rest: InnoDB has purged what earlier commits left.

A weights change leaves the old versions of every lead it rewrote for InnoDB's purge, which
runs after the change (db.repositories.scoring.cleanup_deferred). An admin's next save comes
minutes later, on a server at rest; in the bench the next change would otherwise come within
a second and pay for its predecessor's purge, and the step after the last change for that
one's. The floor's rescore starts at rest too: its setup only inserts, and inserts leave
nothing to purge.
"""

import time

from sqlalchemy import Engine

from db.server_state import history_length

# Undo logs of committed transactions not yet purged (InnoDB's "history list length"): one per
# transaction, however many rows it changed (a rescore chunk leaves one for 20,000 leads, a
# million-lead rescore about fifty), and 0 on an idle server.
AT_REST = 0
PATIENCE_S = 60.0  # a server busy with other work may never get there
POLL_S = 0.5

def wait_until_at_rest(engine: Engine, *, patience_s: float = PATIENCE_S) -> float | None:
    """Seconds waited until the history list is down to AT_REST (at most `patience_s`), or
    None where there is nothing to wait for."""
    started = time.perf_counter()
    length = history_length(engine)
    if length is None:
        return None
    while (length or AT_REST) > AT_REST and time.perf_counter() - started < patience_s:
        time.sleep(POLL_S)
        length = history_length(engine)
    return time.perf_counter() - started
