"""Probes a room server the way a stranger on the room's network would, and prints what it
found as JSON (tests/test_room_security.py runs it, inside a network namespace of its own).

``python tests/room_probe.py LOG [--address A]`` starts ``serve --room`` (on A, or on the
address it finds), reads the address and room code it prints, and tries: the page without
the code; the code's page and its kernel (an ``execute_request`` on the kernel's websocket,
next to a ``kernel_info_request`` that must be answered); Jupyter's APIs and JupyterLab;
files of the laptop by every path a request can spell; a second visitor reaching the first
one's kernel; the first one closing its page; the facilitator page from the network.
Every request goes to the server it started, which it stops by its process number.
"""

import argparse
import asyncio
import http.client
import json
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from labsim.workshop.serve import start  # noqa: E402

PORT = 8866
MARKER = Path(tempfile.gettempdir()) / f"labsim-probe-{uuid.uuid4().hex}"
FILE_PATHS = [
    "/voila/files/02_prevention_vs_resolution.ipynb",
    "/voila/files/policy_brief_Group-3_2026-01-01_120000.html",
    "/voila/files/../pyproject.toml",
    "/voila/files/%2e%2e/pyproject.toml",
    "/voila/files/..%2fpyproject.toml",
    "/voila/static/../../../../../../etc/passwd",
    "/voila/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/static/..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
    "/voila/templates/lab/static/../../../../../../../../etc/passwd",
    "/voila/templates/lab/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/templates/../../pyproject.toml",
    "/voila/labextensions/../../../../../../etc/passwd",
    "/voila/api/themes/../../../../../../etc/passwd",
    "/notebooks/02_prevention_vs_resolution.ipynb",
    "/files/pyproject.toml",
    "/pyproject.toml",
    "/../pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/02_prevention_vs_resolution.ipynb",
]
API_PATHS = ["/api/kernels", "/api/contents", "/api/contents/02_prevention_vs_resolution.ipynb",
             "/api/sessions", "/api/kernelspecs", "/api/terminals", "/api/status",
             "/voila/api/contents", "/lab", "/lab/tree/START_HERE.ipynb", "/tree", "/terminals/1"]
SECRETS = ("root:x:0:0", "[build-system]", '"nbformat"')
"""Text that would show a file of the laptop was served."""


class Visitor:
    """One browser: its cookies, and plain HTTP requests whose paths go out as written."""

    def __init__(self, host: str, port: int):
        self.host, self.port, self.cookies = host, port, {}

    def request(self, method: str, path: str, body: str = "",
                headers: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=180)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                "Origin": self.origin, **(headers or {})}
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, text

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def channels(self, kernel_id: str) -> HTTPRequest:
        return HTTPRequest(f"ws://{self.host}:{self.port}/api/kernels/{kernel_id}/channels",
                           headers={"Cookie": "; ".join(f"{k}={v}" for k, v in
                                                        self.cookies.items()),
                                    "Origin": self.origin})


def _message(kind: str, content: dict) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "probe",
                   "session": uuid.uuid4().hex, "date": "2026-01-01T00:00:00Z",
                   "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
        "buffers": []})


async def _replies(request: HTTPRequest, sent: list[str], seconds: float) -> list[str]:
    """The message types a kernel's websocket returns within ``seconds`` of ``sent``."""
    socket = await websocket_connect(request)
    for message in sent:
        await socket.write_message(message)
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            reply = await asyncio.wait_for(socket.read_message(), deadline - time.monotonic())
        except TimeoutError:
            break
        if reply is None:
            break
        seen.append(json.loads(reply)["header"]["msg_type"])
    socket.close()
    return seen


async def _refused(request: HTTPRequest) -> str:
    try:
        socket = await websocket_connect(request)
    except Exception as err:  # noqa: BLE001 - any refusal will do; its words are reported
        return f"refused ({getattr(err, 'code', type(err).__name__)})"
    socket.close()
    return "connected"


def kernel_of(page: str) -> str:
    return json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">'
                                r"\s*(.*?)\s*</script>", page, re.S)[1])["kernelId"]


def probe(host: str, port: int, code: str, facilitator_port: int) -> dict:
    found: dict = {"address": host}
    stranger = Visitor(host, port)
    status, page = stranger.request("GET", "/")
    found["page without the code"] = [status, "jupyter-config-data" in page]
    status, page = stranger.request("GET", "/?token=wrong0")
    found["page with a wrong code"] = [status, "jupyter-config-data" in page]

    first = Visitor(host, port)
    status, page = first.request("GET", f"/?token={code}")
    kernel = kernel_of(page)
    found["page with the code"] = [status, bool(kernel)]
    found["cookies"] = sorted(name for name in first.cookies if not name.startswith("username"))
    execute = _message("execute_request", {
        "code": f"open({str(MARKER)!r}, 'w').write('ran')", "silent": False,
        "store_history": False, "user_expressions": {}, "allow_stdin": False})
    replies = asyncio.run(_replies(first.channels(kernel), [
        execute, _message("kernel_info_request", {})], 8.0))
    found["own kernel answers kernel_info"] = "kernel_info_reply" in replies
    found["execute_request answered"] = "execute_reply" in replies or "execute_input" in replies
    found["execute_request ran code"] = MARKER.exists()

    found["apis"] = {path: first.request("GET", path)[0] for path in API_PATHS}
    found["files"] = {}
    for path in FILE_PATHS:
        status, text = first.request("GET", path)
        found["files"][path] = [status, any(secret in text for secret in SECRETS)]

    second = Visitor(host, port)
    second.request("GET", f"/?token={code}")
    found["other's kernel: GET"] = second.request("GET", f"/api/kernels/{kernel}")[0]
    found["other's kernel: websocket"] = asyncio.run(_refused(second.channels(kernel)))
    found["other's kernel: shutdown"] = second.request(
        "POST", f"/voila/api/shutdown/{kernel}", f"_xsrf={second.cookies.get('_xsrf', '')}",
        {"Content-Type": "application/x-www-form-urlencoded"})[0]
    found["own kernel alive after that"] = first.request("GET", f"/api/kernels/{kernel}")[0]
    found["a made-up kernel"] = first.request("GET", f"/api/kernels/{uuid.uuid4()}")[0]
    found["own kernel: DELETE"] = first.request(
        "DELETE", f"/api/kernels/{kernel}", headers={"X-XSRFToken": first.cookies["_xsrf"]})[0]
    found["own page closing: shutdown"] = first.request(
        "POST", f"/voila/api/shutdown/{kernel}", f"_xsrf={first.cookies['_xsrf']}",
        {"Content-Type": "application/x-www-form-urlencoded"})[0]
    found["own kernel after closing"] = first.request("GET", f"/api/kernels/{kernel}")[0]
    found["facilitator page from the network"] = _reachable(host, facilitator_port)
    found["page on 127.0.0.1"] = _reachable("127.0.0.1", port) if host != "127.0.0.1" else None
    return found


def _reachable(host: str, port: int) -> bool:
    try:
        Visitor(host, port).request("GET", "/")
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("log", type=Path)
    parser.add_argument("--address")
    options = parser.parse_args()
    where = [f"--address={options.address}"] if options.address else []
    with open(options.log, "w") as out:
        server = start(PORT, "--room", *where, "--nothing-ahead",
                       f"--cache={options.log.parent / 'cache'}", stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while not (printed := re.search(r"http://(\S+):(\d+)/\?token=(\w+)",
                                        options.log.read_text())):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the server did not say where it serves")
            time.sleep(0.5)
        host, port, code = printed[1], int(printed[2]), printed[3]
        while not _reachable(host, port):  # it says where before its page server listens
            if time.monotonic() > deadline:
                raise RuntimeError("the page server does not answer")
            time.sleep(0.5)
        found = probe(host, port, code, PORT + 1)
        found["room code"] = code
        found["qr code printed"] = "\u2588" in options.log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=60)
        MARKER.unlink(missing_ok=True)
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
