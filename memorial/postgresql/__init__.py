"""PostgreSQL, as Django's backend, with a cheaper health check (see `base`)."""
