"""HANDSHAKE_LOG_FORMAT=json: one JSON object per line, ids as fields, no secret ever."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import parse_config
from bot.observability.logs import REDACTED, configure_logging, secrets_of
from bot.settings import SettingsError, load_settings
from tests import factories as f

BOT = "xoxb-1111-2222-abcdefABCDEF"
USER = "xoxp-3333-4444-ghijkl"
APP = "xapp-1-A0123-4567-mnopqr"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"
INTAKE = "intake-s3cret-t0ken"
DB_PASSWORD = "pg-pa55word"
WEBHOOK = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
HUBSPOT = "pat-na1-11112222-3333-4444"
ENVIRON = {"HOOK_SECRET": WEBHOOK, "HUBSPOT_TOKEN": HUBSPOT}
EVERY_SECRET = (BOT, USER, APP, SIGNING, INTAKE, DB_PASSWORD, WEBHOOK, HUBSPOT)


@pytest.fixture
def root() -> Iterator[None]:
    """After the test: the handler `configure_logging` installed taken off, the level back
    (pytest puts its own capture handlers back for each phase)."""
    logger = logging.getLogger()
    level = logger.level
    yield
    for handler in list(logger.handlers):
        if getattr(handler, "handshake", False):
            logger.removeHandler(handler)
    logger.setLevel(level)


def bare_root() -> None:
    """The root logger as `handshake` finds it: no handler (pytest's own taken off)."""
    logger = logging.getLogger()
    for handler in list(logger.handlers):
        logger.removeHandler(handler)


def configured(log_format: str) -> io.StringIO:
    settings = load_settings(
        SLACK_BOT_TOKEN=BOT,
        SLACK_SIGNING_SECRET=SIGNING,
        SLACK_APP_TOKEN=APP,
        HANDSHAKE_INTAKE_TOKEN=INTAKE,
        DATABASE_URL=f"postgresql://handshake:{DB_PASSWORD}@db:5432/handshake",
        HANDSHAKE_LOG_FORMAT=log_format,
    )
    config = parse_config(
        f.config_data(
            webhooks=[{"url": "https://example.com/hook", "secret_env": "HOOK_SECRET"}],
            crm={"hubspot": {"token_env": "HUBSPOT_TOKEN"}},
        ),
        environ=ENVIRON,
    )
    stream = io.StringIO()
    bare_root()
    configure_logging(settings.log_format, secrets_of(settings, config, ENVIRON), stream)
    return stream


def log_everything() -> None:
    log = logging.getLogger("handshake.test")
    log.info("outbox row=%s delivered", 7, extra={"lead_id": 3, "handoff_id": 5})
    log.warning("settings: bot=%s app=%s signing=%s intake=%s", BOT, APP, SIGNING, INTAKE)
    log.warning("a user token %s and a database %s in a message", USER, DB_PASSWORD)
    log.error("webhook secret %r, hubspot %s", WEBHOOK, HUBSPOT)
    try:
        raise RuntimeError(f"call failed with Bearer {HUBSPOT} / {BOT}")
    except RuntimeError:
        log.exception("crm call failed", extra={"handoff_id": 5})


def test_json_lines_parse_and_carry_the_ids(root):
    stream = configured("json")
    log_everything()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 5
    first = lines[0]
    assert first["message"] == "outbox row=7 delivered"
    assert (first["lead_id"], first["handoff_id"]) == (3, 5)
    assert first["level"] == "INFO" and first["logger"] == "handshake.test"
    assert "lead_id" not in lines[1]  # only the ids a call gives
    assert "RuntimeError" in lines[-1]["exc_info"]


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_no_secret_is_ever_logged(root, log_format):
    stream = configured(log_format)
    log_everything()
    output = stream.getvalue()
    for secret in EVERY_SECRET:
        assert secret not in output
    assert output.count(REDACTED) >= len(EVERY_SECRET)


def test_a_token_shaped_value_is_scrubbed_even_when_not_configured(root):
    stream = io.StringIO()
    bare_root()
    configure_logging("json", (), stream)
    logging.getLogger("handshake.test").warning("token %s then %s", "xoxb-9-9-zz", "whsec_abc")
    line = json.loads(stream.getvalue())
    assert line["message"] == f"token {REDACTED} then {REDACTED}"


def test_a_bad_log_format_is_named_at_its_setting():
    with pytest.raises(SettingsError) as error:
        load_settings(HANDSHAKE_LOG_FORMAT="xml")
    assert error.value.lines == ["HANDSHAKE_LOG_FORMAT: should be 'text' or 'json' (got \"xml\")"]


def test_someone_elses_logging_setup_is_left_alone(caplog):
    """Like logging.basicConfig: pytest's capture (or an embedding app's) stays."""
    assert configure_logging("json") is None
    logging.getLogger("handshake.test").warning("still captured")
    assert "still captured" in caplog.text
