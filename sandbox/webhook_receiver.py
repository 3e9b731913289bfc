"""A stand-in webhook receiver, served over HTTP on localhost: what a customer's endpoint
(or n8n, Zapier) does with Handshake's webhooks, verified the way the spec says.

Every POST is checked with `standardwebhooks.Webhook.verify` and recorded as a delivery;
an event's effect happens once per `webhook-id` (the receiver de-duplicates, as the spec
asks receivers to). It can be told to misbehave, to show and test retries:

    receiver = WebhookReceiver.start(secret="whsec_…")
    receiver.fail(500, times=2)          # the next two deliveries answer 500
    receiver.fail(429, retry_after=3)    # the next one: 429 with Retry-After: 3
    receiver.fail(410)                   # gone: the sender should give up
    receiver.hang_after_success(2.0)     # the next one takes effect, then answers late
    receiver.deliveries, receiver.effects

`GET /deliveries` lists what arrived, as JSON (for the demo page). Imports nothing of the
bot: only starlette and standardwebhooks.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox.server import RunningServer, start_server


@dataclass
class Delivery:
    webhook_id: str | None
    timestamp: str | None
    path: str
    verified: bool
    status: int = 200  # what the receiver answered
    body: Any = None  # the parsed JSON (None when unverified)
    retry_after: float | None = None  # sent with a 429
    took_effect: bool = False  # the first successful delivery of its webhook-id
    duplicate: bool = False  # a later one: answered 200, no effect


@dataclass
class Fault:
    status: int
    retry_after: float | None = None


@dataclass
class ReceiverState:
    secret: str
    deliveries: list[Delivery] = field(default_factory=list)
    effects: list[Any] = field(default_factory=list)  # one per webhook-id, in arrival order
    faults: list[Fault] = field(default_factory=list)
    hang: list[float] = field(default_factory=list)  # seconds, after a successful effect
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, raw: bytes, headers: dict[str, str], path: str) -> tuple[Delivery, float]:
        """Record one delivery; returns it and how long to hang before answering."""
        delivery = Delivery(
            headers.get("webhook-id"), headers.get("webhook-timestamp"), path, False
        )
        with self.lock:
            self.deliveries.append(delivery)
            try:
                delivery.body = Webhook(self.secret).verify(raw, headers)
            except WebhookVerificationError:
                delivery.status = 401
                return delivery, 0.0
            delivery.verified = True
            if self.faults:
                fault = self.faults.pop(0)
                delivery.status, delivery.retry_after = fault.status, fault.retry_after
                return delivery, 0.0
            done = {d.webhook_id for d in self.deliveries if d.took_effect}
            if delivery.webhook_id in done:
                delivery.duplicate = True
                return delivery, 0.0
            delivery.took_effect = True
            self.effects.append(delivery.body)
            return delivery, (self.hang.pop(0) if self.hang else 0.0)


def create_receiver_app(state: ReceiverState) -> Starlette:
    async def receive(request: Request) -> Response:
        raw = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        delivery, hang = state.receive(raw, headers, request.url.path)
        if hang:
            await asyncio.sleep(hang)
        if not delivery.verified:
            return PlainTextResponse("invalid signature", status_code=401)
        answer = {"received": delivery.webhook_id, "duplicate": delivery.duplicate}
        wait = delivery.retry_after
        headers_out = {"Retry-After": f"{wait:g}"} if wait is not None else None
        if delivery.status != 200:
            return PlainTextResponse(
                f"stand-in answers {delivery.status}",
                status_code=delivery.status,
                headers=headers_out,
            )
        return JSONResponse(answer)

    async def listing(_request: Request) -> Response:
        with state.lock:
            rows = [
                {
                    "webhook_id": d.webhook_id,
                    "timestamp": d.timestamp,
                    "verified": d.verified,
                    "status": d.status,
                    "duplicate": d.duplicate,
                    "type": (d.body or {}).get("type") if isinstance(d.body, dict) else None,
                }
                for d in state.deliveries
            ]
        return JSONResponse({"deliveries": rows, "effects": len(state.effects)})

    return Starlette(
        routes=[
            Route("/deliveries", listing, methods=["GET"]),
            Route("/{path:path}", receive, methods=["POST"]),
        ]
    )


class WebhookReceiver:
    """A `ReceiverState` served over HTTP on localhost."""

    def __init__(self, state: ReceiverState, server: RunningServer) -> None:
        self.state, self.server = state, server

    @classmethod
    def start(cls, secret: str, host: str = "127.0.0.1", port: int = 0) -> WebhookReceiver:
        state = ReceiverState(secret)
        return cls(state, start_server(create_receiver_app(state), host, port))

    @property
    def url(self) -> str:
        return self.server.url + "/hooks/handshake"

    @property
    def deliveries(self) -> list[Delivery]:
        with self.state.lock:
            return list(self.state.deliveries)

    @property
    def effects(self) -> list[Any]:
        with self.state.lock:
            return list(self.state.effects)

    def fail(self, status: int, *, times: int = 1, retry_after: float | None = None) -> None:
        with self.state.lock:
            self.state.faults += [Fault(status, retry_after) for _ in range(times)]

    def hang_after_success(self, seconds: float) -> None:
        with self.state.lock:
            self.state.hang.append(seconds)

    def reset(self) -> None:
        with self.state.lock:
            self.state.deliveries.clear()
            self.state.effects.clear()
            self.state.faults.clear()
            self.state.hang.clear()

    def stop(self) -> None:
        self.server.stop()
