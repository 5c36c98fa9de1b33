"""What a command does, as plain functions: the command line, the API, notebooks
and benchmarks call these instead of wiring stages by hand.

`data` (simulate, import, validate, load), `rubric`, `train`, `evaluate`,
`recalibrate`, `timing`, `batch` (score the backlog), `served` (the one loader of
the served model) and `tracking` (MLflow; this package is the only importer of
MLflow). Nothing here prints: each returns a result the caller renders, and
takes an optional `progress` callback for long work.
"""
