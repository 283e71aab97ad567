"""Benchmarks and synthetic load data, kept off the request path.

Nothing the site serves imports this package: the production URLconf has no
benchmark route and the API knows no benchmark header. `manage.py bench_api` runs
its gunicorn with `archive.benchmark.settings`, the project's settings plus the
benchmark's own URLconf (the ceiling view) and its cold-run middleware.

- `synthetic` (with `rows`, `records`, `generator`): the synthetic archive behind
  `manage.py generate_archive`;
- `exhibitions`: the 30-item exhibitions bench_api measures;
- `ceiling`, `middleware`, `urls`, `settings`: what bench_api's server adds;
- `client`: bench_api's load client;
- `photos`, `renditions`: test photographs and `manage.py bench_renditions`.
"""
