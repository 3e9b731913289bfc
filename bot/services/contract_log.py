"""Recording the contract in force (issue 14 §4): at each start and reload, if the loaded
contract differs from the last one recorded, a new record, a `contract_changed` event with
the diff and one post in the hand-off channel, in one transaction.

Exactly once with several instances: the record names the one it follows (`previous_id`,
unique). Instances starting together each read the last record and try to insert its
successor; one insert wins, the others fail on the unique key, roll back (no event, no
post) and read again: the same definition now is the last one, so they stop. The first
contract ever recorded gets the event (every rule new) but no post: nothing changed yet.
"""

from __future__ import annotations

import hashlib
import json
import logging

from sqlalchemy.exc import IntegrityError

from bot.domain.contract_diff import contract_changes
from bot.runtime import Runtime
from storage import outbox
from storage.contract_log import CONTRACT_CHANGED, CONTRACT_POST, add_record, latest_record
from storage.db import unit_of_work
from storage.events import log_event

log = logging.getLogger("handshake.contract")
ATTEMPTS = 5


def definition_of(runtime: Runtime) -> dict[str, object]:
    return runtime.config.contract.model_dump(mode="json", by_alias=True)


def fingerprint(definition: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


def record_contract(runtime: Runtime) -> bool:
    """Record the contract in force if it differs from the last one recorded; True if this
    call recorded it."""
    config = runtime.config  # read once: the record, the event and the post agree
    definition = config.contract.model_dump(mode="json", by_alias=True)
    print_ = fingerprint(definition)
    for _ in range(ATTEMPTS):
        try:
            with unit_of_work(runtime.engine) as session:
                last = latest_record(session=session)
                if last is not None and last.fingerprint == print_:
                    return False
                now = runtime.clock()
                record = add_record(
                    session=session,
                    previous_id=(last.id or 0) if last else 0,
                    version=config.contract.version,
                    fingerprint=print_,
                    definition=definition,
                    now=now,
                )
                changes = contract_changes(last.definition if last else None, definition)
                payload = {
                    "version": config.contract.version,
                    "previous_version": last.version if last else None,
                    "changes": changes,
                    "record_id": record.id,
                }
                log_event(CONTRACT_CHANGED, session=session, at=now, actor="system", **payload)
                if last is not None:
                    outbox.enqueue(
                        CONTRACT_POST,
                        outbox.CHANNEL_TARGET,
                        session=session,
                        now=now,
                        payload=payload,
                    )
            log.info("contract %s recorded (%d changes)", config.contract.version, len(changes))
            runtime.wake()
            return True
        except IntegrityError:
            continue  # another instance recorded a contract first: read again
    log.warning("contract %s not recorded: the records kept changing", config.contract.version)
    return False
