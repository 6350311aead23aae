"""Prometheus metrics for GET /metrics: requests, latency, index age and list versions.

Each app has its own registry (two apps in one process must not clash). Routes are labelled
by their template (`/v1/entities/{entity_id}`), never the raw path, to keep label sets small.
With several worker processes each one answers for itself; scrape every worker or run one
worker per container.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .state import ApiState

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _IndexCollector(Collector):
    """Read at scrape time from the current index, so the numbers are never stale."""

    def __init__(self, state: ApiState) -> None:
        self.state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        current = self.state.current
        ready = GaugeMetricFamily("sanctions_index_ready", "1 once the screening index is loaded")
        ready.add_metric([], 1.0 if current is not None else 0.0)
        yield ready
        if current is None:
            return
        age = GaugeMetricFamily(
            "sanctions_index_age_seconds", "Seconds since the current index was swapped in"
        )
        age.add_metric([], time.time() - current.loaded_at)
        yield age
        entities = GaugeMetricFamily("sanctions_index_entities", "Entities in the current index")
        entities.add_metric([], float(len(current.by_id)))
        yield entities
        versions = GaugeMetricFamily(
            "sanctions_list_version", "Active list version in the index", labels=["source"]
        )
        for source, version in sorted(current.screener.versions.items()):
            versions.add_metric([source], float(version))
        yield versions
        yield from self._freshness()

    def _freshness(self) -> Iterator[GaugeMetricFamily]:
        from ..monitor.freshness import list_ages

        try:
            ages = list_ages(self.state.store(), self.state.list_settings())
        except Exception:  # a scrape must not fail on a store problem; /readyz says it
            return
        age = GaugeMetricFamily(
            "sanctions_list_age_seconds",
            "Seconds since each list was last known current (loaded or checked)",
            labels=["source"],
        )
        stale = GaugeMetricFamily(
            "sanctions_list_stale",
            "1 when a list is older than its expected cadence",
            labels=["source"],
        )
        for item in ages:
            age.add_metric([item.source], item.age_seconds)
            stale.add_metric([item.source], 1.0 if item.stale else 0.0)
        yield age
        yield stale


class Metrics:
    def __init__(self, state: ApiState) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "sanctions_http_requests",
            "HTTP requests by route, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sanctions_http_request_duration_seconds",
            "HTTP request latency by route, method and status",
            ["route", "method", "status"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.queries = Counter(
            "sanctions_screened_queries", "Queries screened (all endpoints)", registry=self.registry
        )
        self.registry.register(_IndexCollector(state))
        Gauge("sanctions_up", "1 while the process serves", registry=self.registry).set(1)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        labels = (route, method, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app dies before answering

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or "(unmatched)"
            self.metrics.observe(label, scope["method"], status, time.perf_counter() - started)


__all__ = ["CONTENT_TYPE", "Metrics", "MetricsMiddleware"]
