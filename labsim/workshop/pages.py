"""The dashboard page server: Voila serving one notebook and nothing else, safe to open to a
room's network.

Voila as it comes answers any path with the notebook (starting a kernel), serves files
beside it, and lets anyone who knows a kernel's number use or stop it. Here:

- the page is served at the server's root only; every other path is 404, and no file of the
  laptop is served (the brief downloads from the page itself);
- each visit's kernel belongs to the browser that opened the page (a random cookie): another
  browser gets 404 for its API, its websocket and its shutdown, even with its number;
- kernels are never listed, and a kernel is never deleted through the API;
- the page gets its ``_xsrf`` cookie, so the shutdown it sends when the tab closes is
  accepted and the kernel ends at once (Voila's page sends it without one, and is refused);
- a participant's page still cannot execute code: Voila passes only widget messages on;
- with a room code, a browser without it is asked for the code on a page of its own, which
  cannot set a password on the laptop (Jupyter's login page can);
- the page's templates are compiled once for the server, not once a visit.

``python -m labsim.workshop.pages NOTEBOOK [Voila options]`` runs it (``serve`` does).
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import sys

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from markupsafe import escape
from tornado import web
from voila import notebook_renderer
from voila.app import Voila
from voila.exporter import VoilaExporter
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import AllowListFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.voila_identity_provider import VoilaLoginHandler

from ..i18n import _

VISITOR_COOKIE = "labsim_visitor"
_VISITOR: contextvars.ContextVar[str] = contextvars.ContextVar("labsim_visitor")
"""The browser whose page request is starting a kernel."""


class OwnedKernels(AsyncMappingKernelManager):
    """Kernels, each remembering the browser whose visit started it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.owners: dict[str, str] = {}

    async def start_kernel(self, *args, **kwargs) -> str:
        kernel_id = await super().start_kernel(*args, **kwargs)
        self.owners[kernel_id] = _VISITOR.get("")
        return kernel_id

    def remove_kernel(self, kernel_id: str):
        self.owners.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)

    def belongs_to(self, kernel_id: str, visitor: str | None) -> bool:
        """Whether ``kernel_id`` is a live kernel started by ``visitor``'s page."""
        owner = self.owners.get(kernel_id)
        return bool(owner) and kernel_id in self and secrets.compare_digest(
            owner, visitor or "")


class _OwnKernelOnly:
    """For handlers of one kernel: a browser reaches only the kernels its pages started;
    any other kernel, live or not, is 404 to it."""

    def check_owner(self, kernel_id: str) -> None:
        if not self.kernel_manager.belongs_to(kernel_id, self.get_cookie(VISITOR_COOKIE)):
            raise web.HTTPError(404)


class DashboardPage(TornadoVoilaHandler):
    """The dashboard, at the server's root: its kernel belongs to the browser that asked."""

    async def prepare(self) -> None:
        await ensure_async(super().prepare())
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie the closing page sends back
        visitor = self.get_cookie(VISITOR_COOKIE) or secrets.token_urlsafe(24)
        self.set_cookie(VISITOR_COOKIE, visitor, httponly=True, samesite="Strict")
        _VISITOR.set(visitor)


class OwnKernel(_OwnKernelOnly, KernelHandler):
    """A kernel's state, for its own page (which asks on reconnecting); never deleted."""

    async def get(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        await super().get(kernel_id)

    async def delete(self, kernel_id: str) -> None:
        raise web.HTTPError(405)


class OwnKernelChannels(_OwnKernelOnly, VoilaKernelWebsocketHandler):
    """A kernel's websocket, for its own page only."""

    async def pre_get(self) -> None:
        await super().pre_get()
        self.check_owner(self.kernel_id)


class OwnKernelShutdown(_OwnKernelOnly, VoilaShutdownKernelHandler):
    """The shutdown a page sends as its tab closes, for its own kernel only."""

    async def post(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        await super().post(kernel_id)


class TemplateFiles(TemplateStaticFileHandler):
    """Voila's template files; a path of another shape is 404 (Voila's own fails with 500)."""

    def parse_url_path(self, path: str) -> str:
        if path.count("/") < 2 or path.split("/", 2)[1] != "static":
            raise web.HTTPError(404)
        return super().parse_url_path(path)

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            return super().get_absolute_path(root, path)
        except (AssertionError, ValueError):  # a path that climbs out of the template
            raise web.HTTPError(404) from None


class RoomCodeLogin(VoilaLoginHandler):
    """Asks a browser without the room code for it (the QR code's address carries it)."""

    def _render(self, message: dict | None = None) -> None:
        wrong = f'<p class="wrong">{escape(_("That is not the room code."))}</p>' if message else ""
        self.write(f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(_("Room code"))}</title><style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 28em; padding: 0 1em; }}
input, button {{ font-size: 1.3em; padding: 0.3em; margin: 0.3em 0; }}
.wrong {{ color: #8a1c00; }}</style></head><body>
<h1>{escape(_("Room code"))}</h1>
<p>{escape(_("Type the room code the facilitator shows (or scan the QR code)."))}</p>{wrong}
<form method="post" action="{escape(self.request.uri)}">{self.xsrf_form_html()}
<input name="password" autocomplete="off" autocapitalize="none" autofocus
 aria-label="{escape(_("Room code"))}">
<button type="submit">{escape(_("Open the dashboard"))}</button></form></body></html>""")


REPLACED = {KernelHandler: OwnKernel, VoilaKernelWebsocketHandler: OwnKernelChannels,
            VoilaShutdownKernelHandler: OwnKernelShutdown,
            TemplateStaticFileHandler: TemplateFiles}
"""Voila's handlers and the ones that take their place."""
DROPPED = (AllowListFileHandler,)
"""Files beside the notebook: nothing of the laptop's is served."""
UNTRUSTED = "Notebook %s is not trusted"
"""What the contents manager logs on each visit to a notebook JupyterLab has not signed. The
page never shows a stored output (every cell runs for each visit), so it does not apply here
and would bury the address and QR code in the facilitator's terminal."""


class CompiledTemplates(BytecodeCache):
    """Templates compiled once, kept in memory: Voila makes a new template environment for
    every visit, and compiling the page's templates again was a quarter of its work a visit.
    Jinja checks each template's source against the compiled one before using it, but not the
    environment's settings (async, extensions, autoescape): share it only between
    environments made alike, as ``DashboardExporter`` makes them."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


class DashboardExporter(VoilaExporter):
    """Voila's page maker, with the templates compiled once (``COMPILED``)."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED
        return environment


def _not_about_trust(record: logging.LogRecord) -> bool:
    return record.msg != UNTRUSTED


def _not_about_tornado_pings(record: logging.LogRecord) -> bool:
    """jupyter_server gives its websocket ping times in milliseconds, and tornado, reading them
    as seconds, warns once that its own pings' timeout (90,000 s) is longer than their
    interval (30,000 s) and shortens it. Those pings would come every 8 hours; the ones that
    count are jupyter_server's own (every 30 s; a page silent for 90 s is closed, so a phone
    that left the Wi-Fi frees its kernel). A 30 s timeout, which would quiet tornado, closes
    every page's websocket at its first ping; given on the command line it was text, and every
    ping failed instead (a traceback every 30 s a page, no ping sent)."""
    return not str(record.msg).startswith("The websocket_ping_timeout")


class DashboardServer(Voila):
    """Voila with the routes above (see the module)."""

    def init_settings(self) -> dict:
        self.log.addFilter(_not_about_trust)
        logging.getLogger("tornado.general").addFilter(_not_about_tornado_pings)
        self.voila_configuration.multi_kernel_manager_class = OwnedKernels
        notebook_renderer.VoilaExporter = DashboardExporter  # Voila has no setting for it
        settings = super().init_settings()
        self.identity_provider.login_handler_class = RoomCodeLogin
        self.identity_provider.allow_password_change = False
        return settings

    def init_handlers(self) -> list:
        handlers = []
        for pattern, handler, *options in super().init_handlers():
            if handler in DROPPED:
                continue
            if handler is TornadoVoilaHandler:
                pattern, handler = self.server_url.rstrip("/") + "/()", DashboardPage
            handlers.append((pattern, REPLACED.get(handler, handler), *options))
        return handlers


if __name__ == "__main__":
    sys.exit(DashboardServer.launch_instance())
