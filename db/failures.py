"""Which database errors are worth another try, and the sentence each gives a person.

MySQL/MariaDB error numbers (the first argument of PyMySQL's errors). A conflict means the
transaction lost a race and may simply run again; a lost connection means the server (or a
cluster node) went away and may be back in a moment. Anything else is a real failure.
"""

from sqlalchemy.exc import DBAPIError, InterfaceError

from core.domain.errors import ConnectionLost, TransientConflict

CONFLICTS = {
    1213,  # deadlock; on Galera also a certification conflict, at any statement or at COMMIT
    1205,  # lock wait timeout
    1040,  # too many connections
    1180,  # an error during COMMIT (the storage engine's own conflict)
}
CONNECTION_FAILURES = {
    2002, 2003,  # cannot connect (socket, TCP)
    2006, 2013, 2055,  # server gone away, connection lost during a query or at reading
    1053,  # server shutdown in progress
    1927,  # connection was killed
    1047,  # Galera: the node is not ready for queries (not synced with the cluster yet)
}
SQLITE_BUSY = "database is locked"  # after the busy timeout

CONFLICT_SENTENCE = "Another change got in the way of this one; it was not saved."
CONNECTION_SENTENCE = "The connection to the database was lost; this was not saved."


def error_code(exc: DBAPIError) -> int | None:
    code = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    return code if isinstance(code, int) else None


def transient_failure(exc: DBAPIError) -> TransientConflict | None:
    """The retryable error this driver error stands for, or None if retrying cannot help."""
    code = error_code(exc)
    if exc.connection_invalidated or isinstance(exc, InterfaceError) or code in CONNECTION_FAILURES:
        return ConnectionLost(CONNECTION_SENTENCE)
    if code in CONFLICTS or SQLITE_BUSY in str(exc.orig):
        return TransientConflict(CONFLICT_SENTENCE)
    return None
