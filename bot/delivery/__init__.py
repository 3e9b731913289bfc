"""The delivery engine: everything that goes out, from outbox rows, paced, retried, once.

- `worker`: claims rows, paces per channel, retries, fails a row for good (never drops it).
- `loop`: the thread that runs the worker every tick, and at once when woken.
- `protocol`: what a job sees of the worker (post once, call, done) and a job's shape.
- `jobs/`: one module per kind of outgoing work (card post, card update, DM, thread reply,
  digest); the wiring hands the worker their table (`bot.delivery.jobs.JOBS`).
- `lookup`: finding an earlier post by its metadata before posting again.
- `errors`: how an attempt ends when it does not succeed.
- `backoff`: backing off a background loop that keeps failing (this one, the scheduler's).
- `ondemand`: `handshake digest --now`, delivered at once by a worker of its own.
"""

from bot.delivery.loop import DeliveryThread
from bot.delivery.worker import DeliveryWorker

__all__ = ["DeliveryThread", "DeliveryWorker"]
