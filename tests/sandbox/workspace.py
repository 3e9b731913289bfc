"""Who and what the sandbox tests' workspace holds (seeded by the `sandbox` fixture)."""

TOKEN = "xoxb-sandbox-test"
SECRET = "sandbox-test-signing-secret"
ANA = "U0AE00001"
BO = "U0AE00002"
HANDOFF = "C0HANDOFF1"
