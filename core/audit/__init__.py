"""Reading the audit log (the chain itself is core.domain.audit)."""
