#!/usr/bin/env python3
"""Log in to a running Odoo and save a PNG of a page, as a user would see it.

    python3 tools/screenshot.py /odoo/settings#account settings.png [--wait SELECTOR]
        [--click SELECTOR ...] [--scroll-to SELECTOR]

Drives Debian's headless Chromium through the DevTools protocol (websocket-client,
which Odoo's own browser tests use). For the demo started by ``make demo``.
"""

import argparse
import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import websocket


def find(selector):
    """JS finding ``selector``: CSS, or ``CSS::text`` for the first match
    whose text contains ``text`` (a menu item, a button label)."""
    css, _sep, text = selector.partition("::")
    return (
        f"Array.from(document.querySelectorAll({json.dumps(css)}))"
        f".find(e => e.textContent.includes({json.dumps(text)}))"
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    def __init__(self, width, height):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="urssaf-shot-")
        flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
        flags += ["--disable-background-networking", "--disable-component-update"]
        flags += ["--disable-sync", "--disable-quic", f"--window-size={width},{height}"]
        self.proc = subprocess.Popen(
            [shutil.which("chromium") or "chromium", *flags]
            + [f"--remote-debugging-port={self.port}"]
            + [f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ws = websocket.create_connection(self._page_ws(), timeout=60)
        self.seq = 0

    def _page_ws(self):
        url = f"http://127.0.0.1:{self.port}/json"
        for _attempt in range(100):
            # Chromium refuses connections until its DevTools server is up.
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    pages = [p for p in json.load(response) if p["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.1)
        raise RuntimeError("Chromium did not start")

    def send(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.seq:
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.evaluate(f"!!{find(selector)}"):
                return True
            time.sleep(0.3)
        return False

    def goto(self, url):
        self.send("Page.navigate", url=url)
        time.sleep(0.5)

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="page path, e.g. /odoo/settings#account")
    parser.add_argument("output", help="PNG file to write")
    parser.add_argument(
        "--base", default=os.environ.get("ODOO_URL", "http://127.0.0.1:8069")
    )
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--wait", default=".o_action_manager .o_view_controller")
    parser.add_argument(
        "--click",
        action="append",
        default=[],
        help="selector to click before the capture (repeatable, in order); "
        "CSS::text picks the first match containing text",
    )
    parser.add_argument("--scroll-to", help="selector to scroll into view")
    parser.add_argument("--size", default="1400x1000")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    browser = Browser(width, height)
    try:
        if args.login:  # --login "": a visitor, e.g. a customer's portal link
            browser.goto(f"{args.base}/web/login")
            browser.wait_for("input[name=login]")
            login, password = json.dumps(args.login), json.dumps(args.password)
            browser.evaluate(
                f"document.querySelector('input[name=login]').value = {login};"
                f"document.querySelector('input[name=password]').value = {password};"
                "document.querySelector('form.oe_login_form').submit();"
            )
            browser.wait_for(".o_web_client")
        browser.goto(f"{args.base}{args.path}")
        if not browser.wait_for(args.wait):
            raise SystemExit(f"{args.wait} did not appear")
        for selector in args.click:
            if not browser.wait_for(selector):
                raise SystemExit(f"{selector} did not appear")
            browser.evaluate(f"{find(selector)}.click()")
            time.sleep(2)
        if args.scroll_to:
            browser.wait_for(args.scroll_to)
            browser.evaluate(f"{find(args.scroll_to)}.scrollIntoView()")
        time.sleep(1.5)
        shot = browser.send("Page.captureScreenshot", format="png")
        with open(args.output, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
