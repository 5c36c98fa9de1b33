"""Alerts at the end of a batch: rules in YAML, a pure evaluator, an outbox, delivery.

rules.py       the rules (`--alerts rules.yaml`): pydantic models, checked on load
rules_file.py  reading the YAML: every problem at once, with its line and fix
evaluate.py    which rules fire for which lead, from the batch and previous points
outbox.py      the SQLite outbox: each alert recorded before delivery, marked after
deliver.py     webhook (JSON with Slack text, retries, Idempotency-Key), JSON lines
"""
