"""`/handshake …`: `parsing` turns the text into a command (pure), `answering` runs a report
command and builds its message. Imports run down: reports, services and views, never back.

The parsing names are importable from here; `answering` is imported by its own path, so
parsing a command never loads the reports.
"""

from bot.commands.parsing import REPORTS, USAGE, Command, Usage, help_text, parse

__all__ = ["REPORTS", "USAGE", "Command", "Usage", "help_text", "parse"]
