"""Reading `/metrics` as Prometheus would."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def scrape(bot) -> dict[tuple[str, frozenset], float]:
    """Every sample of `GET /metrics`: (name, labels) → value."""
    response = bot.http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    """A sample's value; 0 when absent (a labelled counter not moved yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)
