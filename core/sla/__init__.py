"""First-contact SLAs, the availability grace and working hours (docs/sla-and-hours.md)."""
