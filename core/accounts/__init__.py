"""Users and tenants: login bookkeeping, the acting user, creating users and tenants."""
