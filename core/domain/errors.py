"""Domain errors. Each message names the rule that refused and what to do next."""


class LeadOpsError(Exception):
    """Base for every error a person may be shown as-is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(LeadOpsError):
    """The acting user's role does not allow the action."""


class NotFound(LeadOpsError):
    """The row does not exist in the acting user's tenant."""


class InvalidInput(LeadOpsError):
    """A value a person or file supplied breaks a rule."""


class LoginRefused(LeadOpsError):
    """A login failed: one sentence for every reason, so it names no account."""


class SessionEnded(LeadOpsError):
    """The user logged out on some device, or was deactivated: this session is over."""


class ConfigurationError(LeadOpsError):
    """A setting is missing or malformed (DATABASE_URL, cookie key, ...)."""


class DatabaseUnavailable(LeadOpsError):
    """The database cannot be reached, refuses the login, or is not migrated."""


class RuleViolation(LeadOpsError):
    """A domain rule refuses the change: capacity, skill, availability, lead status."""


class StaleView(LeadOpsError):
    """Someone else changed the row since it was shown; nothing was overwritten."""


class TransientConflict(LeadOpsError):
    """A deadlock, a lock wait timeout or a cluster's certification conflict: the transaction
    may simply be run again (core.retry does, a bounded number of times)."""


class ConnectionLost(TransientConflict):
    """The connection to the database broke, or none could be made: worth another try while
    the server restarts or a cluster node fails over."""


class RescoreIncomplete(LeadOpsError):
    """Rescoring stopped part-way: some leads still carry an earlier version's scores until
    the next rescore, which repairs them."""


class BatchInterrupted(LeadOpsError):
    """A long job stopped part-way; its batch is kept as interrupted, to resume or undo."""
