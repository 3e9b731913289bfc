"""Start a stand-in on a free localhost port (uvicorn in a daemon thread, as the sandbox)."""

from __future__ import annotations

from sandbox.server import RunningServer, start_server
from standins.hubspot import HubSpotState, hubspot_app
from standins.salesforce import SalesforceState, salesforce_app


def serve_hubspot(state: HubSpotState, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    return start_server(hubspot_app(state), host, port)


def serve_salesforce(
    state: SalesforceState, host: str = "127.0.0.1", port: int = 0
) -> RunningServer:
    return start_server(salesforce_app(state), host, port)
