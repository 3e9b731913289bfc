"""Time from `handshake demo` to the first lead card on the sandbox page.

    python bench/demo_first_card.py [--runs 3]

Starts `handshake demo` as a separate process (as a newcomer would), opens the printed
URL in headless Chromium (Playwright, /usr/bin/chromium) and waits until a lead card is
on the page. Prints each run and the median. Needs `pip install '.[dev]'` and chromium.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_run(browser) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url_at = time.perf_counter() - started
        url = line.rsplit(" ", 1)[-1].strip()
        page = browser.new_page()
        page.goto(url)
        page.locator("[data-testid=message]").filter(has_text="Accept").first.wait_for(
            timeout=60_000
        )
        card_at = time.perf_counter() - started
        page.close()
        return url_at, card_at
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        results = [one_run(browser) for _ in range(runs)]
        browser.close()
    for i, (url_at, card_at) in enumerate(results, 1):
        print(
            f"run {i}: URL printed after {url_at:.2f}s, first card on the page after {card_at:.2f}s"
        )
    print(f"median time to first card: {statistics.median(c for _, c in results):.2f}s")


if __name__ == "__main__":
    main()
