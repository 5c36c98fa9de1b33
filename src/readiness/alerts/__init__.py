"""Alerts at the end of a batch: rules in YAML, a pure evaluator, an outbox, delivery.

rules.py     the rules file (`--alerts rules.yaml`), validated with every problem
evaluate.py  which rules fire for which lead, from the batch and previous points
outbox.py    the SQLite outbox: each alert recorded before delivery, marked after
deliver.py   webhook (JSON with Slack text, retries, Idempotency-Key) and JSON lines
"""
