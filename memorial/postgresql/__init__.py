"""PostgreSQL, as Django's backend, with a cheaper health check and moments read
by psycopg's compiled parser (see `base`)."""
