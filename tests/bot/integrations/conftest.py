from tests.bot.integrations.standins import http, hubspot, salesforce

__all__ = ["http", "hubspot", "salesforce"]
