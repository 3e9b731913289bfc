"""What sales learned about the buyer: the persona, decision-role and objection lists offered
(all optional) in the Reject, Hand back and Disqualify-after-contact forms."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from bot.config.errors import duplicates, fail_if
from bot.config.reasons import checked_code
from bot.config.scalars import ConfigModel


class Choice(ConfigModel):
    """One option of an insight menu: `code` goes to reports, webhooks and the CRM."""

    code: str = Field(min_length=1)
    label: str = Field(min_length=1, max_length=75)  # Slack shows at most 75 in a menu

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return checked_code(value, what="insight", longest=50, example="economic-buyer")


def _choices(*pairs: tuple[str, str]) -> list[Choice]:
    return [Choice(code=code, label=label) for code, label in pairs]


DEFAULT_PERSONAS = _choices(
    ("executive", "Executive (C-level, VP)"),
    ("it", "IT or engineering"),
    ("operations", "Operations"),
    ("finance", "Finance or procurement"),
    ("marketing", "Marketing"),
    ("end-user", "Practitioner or end user"),
)
DEFAULT_ROLES = _choices(
    ("decision-maker", "Decision maker"),
    ("influencer", "Influencer"),
    ("user", "User"),
    ("gatekeeper", "Gatekeeper"),
)
DEFAULT_OBJECTIONS = _choices(
    ("price", "Price"),
    ("timing", "Timing"),
    ("no-need", "No perceived need"),
    ("competitor", "Happy with a competitor"),
    ("authority", "Needs someone else to sign off"),
    ("features", "Missing features or integrations"),
    ("trust", "Risk or trust (security, references)"),
)

WHICH = ("persona", "decision_role", "objection")  # the names stored and sent out


class InsightsConfig(ConfigModel):
    # At most 100 options each: Slack's limit for a menu. An empty list hides that menu.
    personas: list[Choice] = Field(default_factory=lambda: list(DEFAULT_PERSONAS), max_length=100)
    roles: list[Choice] = Field(default_factory=lambda: list(DEFAULT_ROLES), max_length=100)
    objections: list[Choice] = Field(
        default_factory=lambda: list(DEFAULT_OBJECTIONS), max_length=100
    )

    @model_validator(mode="after")
    def _unique_codes(self) -> InsightsConfig:
        fail_if(
            duplicates("personas", [c.code for c in self.personas], "code")
            + duplicates("roles", [c.code for c in self.roles], "code")
            + duplicates("objections", [c.code for c in self.objections], "code")
        )
        return self

    def choices(self, which: str) -> list[Choice]:
        """The list behind `persona`, `decision_role` or `objection`."""
        lists = {"persona": self.personas, "decision_role": self.roles}
        return lists.get(which) or (self.objections if which == "objection" else [])

    def label(self, which: str, code: str | None) -> str | None:
        """The configured label of a code (the code itself once it left the config)."""
        if not code:
            return None
        return next((c.label for c in self.choices(which) if c.code == code), code)

    def known(self, which: str, code: str | None) -> str | None:
        """The code if the list offers it, else None (a stale form's option is dropped)."""
        return code if code and any(c.code == code for c in self.choices(which)) else None
