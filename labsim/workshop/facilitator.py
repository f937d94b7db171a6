"""The facilitator's page, on the serving laptop only (127.0.0.1): the address and QR code to
put on the projector, the warning that anyone on the network can open it, and how the room's
server is doing (pages, simulations queued, answers and how fast they came)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from markupsafe import escape

from ..i18n import N_, _
from .invite import Invitation

STATUS_LABELS = {
    "pages": N_("Pages connected"),
    "running": N_("Simulations running"),
    "queued_moves": N_("Moves waiting"),
    "answers": N_("Answers given"),
    "from_cache": N_("Answered from the cache"),
    "answer_p50": N_("Half the answers within"),
    "answer_p95": N_("95% of the answers within"),
    "ahead": N_("Answers computed ahead"),
    "replaced_workers": N_("Simulation processes replaced"),
}
"""What the status table shows, in this order."""

SCRIPT = """
async function refresh() {
  try {
    const status = await (await fetch("status.json", {cache: "no-store"})).json();
    for (const [key, value] of Object.entries(status.shown)) {
      const cell = document.getElementById(key);
      if (cell) cell.textContent = value;
    }
  } catch (error) { document.getElementById("stopped").hidden = false; }
}
setInterval(refresh, 3000); refresh();
"""
STYLE = """
body { font-family: sans-serif; margin: 2em; color: #1a1a1a; }
.url { font-size: 2.2em; font-weight: bold; word-break: break-all; }
.qr svg { width: min(70vw, 24em); height: auto; }
.warning { border-left: 0.4em solid #b35900; background: #fff4e5; padding: 0.6em 1em; }
td { padding: 0.2em 1em 0.2em 0; }
"""


def shown_status(stats: dict[str, Any]) -> dict[str, str]:
    """The room's figures as the page shows them."""
    answers = stats["answers"]

    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f} s"

    ahead = stats.get("ahead") or {}
    return {
        "pages": str(stats["pages"]),
        "running": f"{stats['running']} / {stats['workers']}",
        "queued_moves": str(stats["queued"]["move"]),
        "answers": str(answers),
        "from_cache": f"{stats['answers_from_cache'] / answers:.0%}" if answers else "-",
        "answer_p50": seconds(stats["answer_p50_s"]),
        "answer_p95": seconds(stats["answer_p95_s"]),
        "ahead": f"{ahead.get('done', 0)} / {ahead.get('total', 0)}" if ahead else "-",
        "replaced_workers": str(stats["replaced_workers"]),
    }


def page_html(invitation: Invitation, stats: dict[str, Any]) -> str:
    """The facilitator's page."""
    code = (_("Room code: {code}. Anyone who types the address by hand is asked for it.")
            .format(code=invitation.code) if invitation.code else
            _("No room code: anyone who can reach this laptop can open the dashboard."))
    rows = "".join(f'<tr><td>{escape(_(label))}</td><td id="{key}">{escape(value)}</td></tr>'
                   for key, label in STATUS_LABELS.items()
                   for value in [shown_status(stats)[key]])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(_("labsim room"))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}</style></head><body>
<h1>{escape(_("Open the dashboard on your phone or laptop"))}</h1>
<p class="url">{escape(invitation.url)}</p>
<div class="qr">{invitation.qr_svg()}</div>
<p>{escape(code)}</p>
<p class="warning">{escape(_(
        "Anyone on this network who has this address can open the dashboard and run "
        "simulations on this laptop. Serve it only on the workshop's own network, and stop "
        "the server (Ctrl+C in its window) when the workshop ends."))}</p>
<h2>{escape(_("The room now"))}</h2>
<table>{rows}</table>
<p id="stopped" hidden>{escape(_("The server does not answer: it has stopped."))}</p>
<script>{SCRIPT}</script>
</body></html>"""


def serve_page(invitation: Invitation, stats: Callable[[], dict[str, Any]],
               port: int) -> ThreadingHTTPServer:
    """Serve the facilitator's page on http://127.0.0.1:``port``/ (another free port if that
    one is taken) from a thread; the caller shuts it down."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path == "/":
                body, kind = page_html(invitation, stats()).encode("utf-8"), "text/html"
            elif self.path == "/status.json":
                now = stats()
                body = json.dumps({"stats": now, "shown": shown_status(now)}).encode("utf-8")
                kind = "application/json"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError:  # taken: any free port (the server says which)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
