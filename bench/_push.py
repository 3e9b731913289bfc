"""Leads pushed at once by a process of its own, as clients are to the bot (their threads do
not compete with the bot's for the interpreter). Run by bench/_slack_load.py:

    python bench/_push.py URL TOKEN FIRST LAST [CLIENTS]

posts leads FIRST..LAST to URL/api/leads from CLIENTS threads (16), printing when the first
request left (Unix seconds); exits 1 unless every answer is 202.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._leads import lead


def main() -> int:
    url, token, first, last, *rest = sys.argv[1:]
    clients = int(rest[0]) if rest else 16
    with httpx.Client(base_url=url, timeout=60) as http:

        def post(n: int) -> int:
            answer = http.post(
                "/api/leads", json=lead(n), headers={"Authorization": f"Bearer {token}"}
            )
            return answer.status_code

        with ThreadPoolExecutor(clients) as pool:
            print(time.time(), flush=True)  # the first request leaves now
            statuses = list(pool.map(post, range(int(first), int(last) + 1)))
    return 0 if set(statuses) == {202} else 1


if __name__ == "__main__":
    sys.exit(main())
