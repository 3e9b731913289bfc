"""What an operator watches: Prometheus metrics (`metrics.py`, `collector.py`), readiness
(`readiness.py`) and the log format (`logs.py`). No globals: the `Runtime` holds one
`Metrics` and one `Readiness`; `serve` configures logging once."""
