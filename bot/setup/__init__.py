"""Setting Handshake up: `handshake doctor` (is everything in place?) and `handshake init`
(a first handshake.yml, its roster from the workspace)."""
