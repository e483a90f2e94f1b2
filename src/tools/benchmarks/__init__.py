"""Benchmarks behind ``juminzei bench`` (issue 9; docs/performance.md), one module per benchmark.

Every benchmark runs its baseline in the same process, on the same data, and reports
``ratio = ours / baseline`` (higher is better) next to the absolute figures, because shared machines are
noisy and absolute times drift. No benchmark changes a guarantee to look faster: the measured paths are
the production ones (encryption, audit metadata, exactly-once projections, chunked transactions).

Databases: the levy, rebuild and verify benchmarks build a fresh store per run. ``postgres`` creates
throw-away databases (``juminzei_bench_*``) beside the admin URL's database and drops them afterwards;
``sqlite`` uses files in a temporary directory.

Modules: ``common`` (result type, fresh stores, work directories), ``workload`` (a generated ward taken
through import → match → levy → projections), and one per benchmark: ``levy``, ``rebuild``, ``verify``,
``api``, ``calc``. This is tooling, not runtime: nothing in the runtime packages imports it except the
``bench``/``generate``/``demo`` CLI commands, lazily (pyproject ``[tool.importlinter]``).
"""
