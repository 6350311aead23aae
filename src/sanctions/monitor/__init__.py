"""Ongoing monitoring of a customer portfolio (see docs/monitoring.md).

customers.py  import a customer file (CSV, JSON Lines, Parquet) as revisions, all or nothing
coverage.py   deterministic candidate retrieval in both directions (customers -> entities,
              entities -> customers), so that a delta run finds exactly what a full run does
run.py        a monitoring run: what to screen (full or delta), scoring, alert reconciliation
alerts.py     analysts' decisions, four-eyes approval, suppression fingerprints
report.py     the evidence for one customer
webhooks.py   signed webhook deliveries with retries, never blocking a run
freshness.py  each list's age against its expected cadence; stale lists
"""
