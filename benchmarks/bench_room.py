"""A room of participants: `python benchmarks/bench_room.py` (`make bench-room`), about 20 min.

For each N (1, 5, 10, 25 by default) it starts the dashboard's server on a free port of
127.0.0.1, opens N pages together in Debian's chromium (one browser context each, as N
participants' browsers), and each page moves controls like a participant: it types a value
into a control's box, waits for the redrawn verdict ("Updated in ... s"), reads for a few
seconds, and moves again. Then every page is closed as a tab closes.

Reported per N: first view (page asked for -> verdict shown) and update (value entered ->
redrawn verdict) p50/p95 in the browser, the server's own "Updated in" p50/p95, moves the
room answered from its cache (where the server says), failures (a page or a move that did not
answer in time, an error in the page, the page's "reload" notice), memory (RSS and PSS of the
server and all its descendants: before the pages, at the peak, per visit = (peak - before) / N),
the kernels still alive a minute after the tabs closed, and the CPU seconds the server and the
browsers used: the browsers share the server's cores here, where participants' own devices
would carry them.

Moves (``--moves``, cumulative, seeded): ``same`` -- every page makes the same moves (the
workshop following one exercise card; the 0.7.0 measurement moved every page's extra money to
the same three values); ``own`` -- each page its own moves, mostly settings no one computed
before. ``--ahead`` first lets the room compute its answers ahead, as a facilitator who starts
the server before the workshop would. ``--browsers-yield`` runs the browsers at the lowest CPU
priority, so they take only what the server leaves (their renderers are forked from a process
reniced at launch). ``--baseline TREE`` measures an older labsim checked out at TREE (its own
server, on its own terms) with the same pages and moves. ``--no-browsers`` leaves the drawing to
the participants' own devices, as in a room: each page is asked for and moved over its
kernel's websocket as the page's widget manager does it (its widgets' states asked for, each
typed value sent, the status line's "Updated in" awaited), and closed as a tab closes; the
times are the server's alone. ``--pages-only`` asks for the page N
times at once over plain HTTP, no browser and no moves: the server's own part of a first view,
which a room's server does without the participants' browsers on its cores.

Every request goes to 127.0.0.1; every run is bounded in time (``--deadline``) and every
process it starts is stopped by its process number, descendants included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import http.cookiejar
import json
import math
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.async_api import async_playwright
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CONTROLS = {  # a control's label on the page, and the values a participant types into it
    "Extra money for each policy": [f"{v:,}" for v in range(0, 1_000_001, 50_000)],
    "Resolution first: share of the extra money on prevention": [str(v) for v in range(0, 101, 10)],
    "Prevention first: share of the extra money on prevention": [str(v) for v in range(0, 101, 10)],
    "Arbitrators today": [str(v) for v in range(15, 41, 5)],
    "Labour inspectors today": [str(v) for v in range(4, 15, 2)],
    "Grievances arising (times today's rate)": ["0.8", "1.2", "1.5", "2.0"],
}
SAME_MOVES = [("Extra money for each policy", "500,000"),
              ("Resolution first: share of the extra money on prevention", "50"),
              ("Extra money for each policy", "1,000,000"),
              ("Arbitrators today", "30")]
LOW_MEMORY = 3 * 1024 ** 3
"""Below this much available memory the room is stopped (and said so), not the machine."""
OLD_SERVER = ("import signal, sys\nfrom labsim.workshop.serve import start\n"
              "server = start(int(sys.argv[1]))\n"
              "signal.signal(signal.SIGTERM, lambda *_: server.terminate())\n"
              "sys.exit(server.wait())\n")
WATCH = """() => {
  const status = document.querySelector('.labsim-status');
  window.__updates = window.__updates || [];
  if (window.__watching) return;
  window.__watching = true;
  let last = status ? status.textContent : '';
  new MutationObserver(() => {
    const now = document.querySelector('.labsim-status');
    const text = now ? now.textContent : '';
    if (text !== last) {
      window.__updates.push([performance.now(), text]);
    }
    last = text;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@dataclass
class PageResult:
    html_s: float | None = None
    """Page asked for -> its HTML loaded (the server's part of a first view)."""
    render_s: float | None = None
    updates_s: list[float] = field(default_factory=list)
    first_s: list[float] = field(default_factory=list)
    """Value entered -> the first estimate shown (or the answer, when it came first)."""
    server_s: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                children = [int(c) for c in task.read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def memory(pid: int) -> tuple[int, int]:
    """RSS and PSS in bytes of ``pid`` and all its descendants."""
    rss = pss = 0
    for process in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def cpu_seconds(pid: int, leaving_out: int | None = None) -> float:
    """CPU time used so far by ``pid`` and its live descendants, but for ``leaving_out`` and
    its own (the server, which this process started too, when counting the browsers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    apart = set() if leaving_out is None else {leaving_out, *descendants(leaving_out)}
    for process in [pid, *(p for p in descendants(pid) if p not in apart)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def yield_cpu(pid: int, leaving_out: int) -> None:
    """Give ``pid``'s descendants but ``leaving_out`` and its own (the browsers and their
    driver, not the server) the lowest CPU priority: the server's cores then go to the
    server first, as when participants' own devices draw their pages."""
    apart = {leaving_out, *descendants(leaving_out)}
    for process in descendants(pid):
        if process not in apart:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, process, 19)


def kernels(pid: int) -> int:
    """Kernels among ``pid``'s descendants (forked ones by name; others by command, not
    counting the workers a kernel forked, which carry its command)."""
    found = set()
    for process in descendants(pid):
        try:
            name = Path(f"/proc/{process}/comm").read_text().strip()
            command = Path(f"/proc/{process}/cmdline").read_bytes()
            parent = int(Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if name == "labsim-kernel" or b"ipykernel_launcher" in command:
            found.add((process, parent))
    return sum(parent not in {p for p, _ in found} for _, parent in found)


def moves_for(mode: str, page: int, count: int) -> list[tuple[str, str]]:
    if mode == "same":
        return (SAME_MOVES * count)[:count]
    chance = random.Random(1000 + page)
    return [(label, chance.choice(CONTROLS[label]))
            for label in (chance.choice(list(CONTROLS)) for _ in range(count))]


class Server:
    """The dashboard's server, started here and stopped by process number."""

    def __init__(self, port: int, baseline: Path | None, cache: Path, ahead: bool, log: Path):
        self.port = port
        out = open(log, "w")  # noqa: SIM115 - closed by stop()
        if baseline is None:
            command = [sys.executable, "-m", "labsim.workshop.serve", f"--port={port}",
                       f"--cache={cache}", *([] if ahead else ["--nothing-ahead"])]
            env, cwd = dict(os.environ), ROOT
        else:
            command = [sys.executable, "-c", OLD_SERVER, str(port)]
            env, cwd = dict(os.environ, PYTHONPATH=str(baseline)), baseline
        self.out = out
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out,
                                        start_new_session=True)

    def wait_listening(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.5)

    def stop(self) -> None:
        if self.out.closed:
            return
        everyone = [self.process.pid, *descendants(self.process.pid)]
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in everyone:  # anything left behind, by its number
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.out.close()


def room_stats(log: Path) -> dict:
    """The room's own figures, from its facilitator page (servers that have one)."""
    found = re.search(r"Facilitator page.*?http://127\.0\.0\.1:(\d+)/", log.read_text())
    if found is None:
        return {}
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{found[1]}/status.json", timeout=5) as r:
            return json.loads(r.read())["stats"]
    except OSError:
        return {}


async def participant(browser, url: str, moves: list[tuple[str, str]], think: tuple[float, float],
                      seed: int, timeout_s: float, shots: Path | None = None) -> PageResult:
    result = PageResult()
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.on("pageerror", lambda error: result.failures.append(f"page error: {error}"))
    chance = random.Random(seed)
    try:
        started = time.monotonic()
        await page.goto(url, timeout=timeout_s * 1000)
        result.html_s = time.monotonic() - started
        await page.locator(".labsim-kpi-table").first.wait_for(state="attached",
                                                               timeout=timeout_s * 1000)
        await page.locator(".labsim-status", has_text="Updated").wait_for(
            timeout=timeout_s * 1000)
        result.render_s = time.monotonic() - started
        await page.evaluate(WATCH)
        for label, value in moves:
            await asyncio.sleep(chance.uniform(*think))
            control = page.locator(".widget-vbox", has=page.locator(
                ".labsim-control-label", has_text=re.compile(f"^{re.escape(label)}$"))).last
            box = control.locator("input[type=text]")
            if await box.input_value() == value:
                continue
            seen = await page.evaluate("() => window.__updates.length")
            await box.fill(value)
            sent = await page.evaluate("() => performance.now()")
            await box.press("Enter")
            try:
                # every 200 ms, not each animation frame (Playwright's default), which kept
                # every waiting page's renderer busy on the server's cores; the times come
                # from the page's own record (WATCH), not from when this noticed
                await page.wait_for_function(
                    f"() => window.__updates.slice({seen}).some(u => u[1].startsWith('Updated'))",
                    timeout=timeout_s * 1000, polling=200)
            except Exception:  # noqa: BLE001 - any way of not answering is a failure
                result.failures.append(f"no answer to {label} = {value}")
                continue
            changes = (await page.evaluate("() => window.__updates"))[seen:]
            at, text = next(u for u in changes if u[1].startswith("Updated"))
            result.updates_s.append((at - sent) / 1000)
            first = next((u[0] for u in changes if "First estimate" in u[1]), at)
            result.first_s.append((first - sent) / 1000)
            result.server_s.append(float(re.search(r"([\d.]+) s", text)[1]))
        if await page.locator("#labsim-lost").count():
            result.failures.append("the page said to reload")
    except Exception as err:  # noqa: BLE001
        result.failures.append(f"{type(err).__name__}: {str(err).splitlines()[0][:120]}")
    if result.failures and shots is not None:  # what the participant saw when it failed
        with contextlib.suppress(Exception):
            await page.screenshot(path=shots / f"failed-page-{seed}.png", timeout=30_000)
    await page.close(run_before_unload=True)
    await asyncio.sleep(5)  # the closing page's shutdown goes out while its browser lives
    await context.close()
    return result


def _message(kind: str, content: dict, version: str) -> str:
    """A Jupyter message as a page's widget manager sends it over the kernel's websocket."""
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "participant",
                   "session": uuid.uuid4().hex, "date": "2026-01-01T00:00:00Z",
                   "version": "5.3"},
        "parent_header": {}, "metadata": {"version": version}, "content": content,
        "channel": "shell", "buffers": []})


def _received(raw: str | bytes) -> dict:
    """A message from the kernel's websocket (binary when it carries buffers)."""
    if isinstance(raw, str):
        return json.loads(raw)
    count = struct.unpack("!I", raw[:4])[0]
    offsets = struct.unpack(f"!{count}I", raw[4:4 + 4 * count])
    return json.loads(raw[offsets[0]:offsets[1] if count > 1 else None])


def _text_box(states: dict, label: str) -> str:
    """The model of the box a control's value is typed into, found by the control's label."""
    title = f'<span class="labsim-control-label">{label}</span>'
    for state in (s["state"] for s in states.values()):
        children = [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]
        if state.get("_model_name") == "VBoxModel" and len(children) == 3 and html.unescape(
                states.get(children[0], {}).get("state", {}).get("value", "")) == title:
            return states[children[1]]["state"]["children"][1].removeprefix("IPY_MODEL_")
    raise KeyError(label)


async def device(url: str, moves: list[tuple[str, str]], think: tuple[float, float],
                 seed: int, timeout_s: float) -> PageResult:
    """A participant whose own device draws the page (``--no-browsers``): the page is asked
    for, its widgets' states are asked for over its kernel's websocket as the page's widget
    manager asks, each typed value is sent as the page sends it, and the answer is the status
    line's "Updated in"; nothing is drawn on the server's cores. Its tab closes as a page
    does (the shutdown with its ``_xsrf`` cookie)."""
    result, chance = PageResult(), random.Random(seed)
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),  # 127.0.0.1 only
                                         urllib.request.HTTPCookieProcessor(cookies))
    socket_ = kernel = None
    try:
        started = time.monotonic()
        page = await asyncio.to_thread(lambda: opener.open(url, timeout=timeout_s).read().decode())
        result.html_s = time.monotonic() - started
        kernel = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">'
                                      r"\s*(.*?)\s*</script>", page, re.S)[1])["kernelId"]
        jar = {c.name: c.value for c in cookies}
        socket_ = await websocket_connect(HTTPRequest(
            f"{url.replace('http', 'ws', 1)}api/kernels/{kernel}/channels"
            f"?session_id={uuid.uuid4().hex}",  # as a page's (the server warns without one)
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                     "Origin": url.rstrip("/")}), max_message_size=2 ** 26)
        control = uuid.uuid4().hex
        await socket_.write_message(_message("comm_open", {
            "comm_id": control, "target_name": "jupyter.widget.control", "data": {}}, "1.0.0"))
        await socket_.write_message(_message("comm_msg", {
            "comm_id": control, "data": {"method": "request_states"}}, "1.0.0"))

        values: dict[str, object] = {}
        """Each widget's value as the page would show it now."""

        async def next_for(comm: str) -> dict:
            while True:
                raw = await asyncio.wait_for(socket_.read_message(), timeout_s)
                if raw is None:
                    raise ConnectionError("the kernel's websocket closed")
                message = _received(raw)
                if message["header"]["msg_type"] != "comm_msg":
                    continue
                data = message["content"]["data"]
                if "value" in data.get("state", {}):
                    values[message["content"]["comm_id"]] = data["state"]["value"]
                if message["content"]["comm_id"] == comm:
                    return data

        states = (await next_for(control))["states"]
        values.update({k: s["state"]["value"] for k, s in states.items() if "value" in s["state"]})
        status = next(k for k, s in states.items()
                      if 'class="labsim-status"' in str(s["state"].get("value", "")))
        if "Updated" not in states[status]["state"]["value"]:  # the first answer still to come
            while "Updated" not in (await next_for(status)).get("state", {}).get("value", ""):
                pass
        result.render_s = time.monotonic() - started
        for label, value in moves:
            await asyncio.sleep(chance.uniform(*think))
            box = _text_box(states, label)
            if values.get(box) == value:  # as a page: the same text typed again changes nothing
                continue
            sent = time.monotonic()
            await socket_.write_message(_message("comm_msg", {
                "comm_id": box,
                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}},
                "2.1.0"))
            first = None
            while True:
                text = re.sub(r"<[^>]+>", "", (await next_for(status)).get("state", {}).get(
                    "value", "")).strip()
                if first is None and "First estimate" in text:
                    first = time.monotonic() - sent
                if text.startswith("Updated"):
                    break
            result.updates_s.append(time.monotonic() - sent)
            result.first_s.append(first if first is not None else result.updates_s[-1])
            result.server_s.append(float(re.search(r"([\d.]+) s", text)[1]))
    except Exception as err:  # noqa: BLE001 - any way of not answering is a failure
        result.failures.append(f"{type(err).__name__}: {str(err).splitlines()[0][:120]}"
                               if str(err) else type(err).__name__)
    if socket_ is not None:
        socket_.close()
    if kernel is not None:  # the tab closes
        xsrf = next((c.value for c in cookies if c.name == "_xsrf"), "")
        with contextlib.suppress(OSError):
            await asyncio.to_thread(lambda: opener.open(urllib.request.Request(
                f"{url}voila/api/shutdown/{kernel}", data=f"_xsrf={xsrf}".encode(),
                method="POST"), timeout=30).read())
    return result


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (None for no values)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else None


def available_memory() -> int:
    """Bytes the machine can still give (MemAvailable)."""
    for text in Path("/proc/meminfo").read_text().splitlines():
        if text.startswith("MemAvailable:"):
            return int(text.split()[1]) * 1024
    return 0


async def run_room(options: argparse.Namespace, pages: int) -> dict:
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="labsim-bench-room-"))
    cache = options.cache or work / "cache"
    log = work / "server.log"
    server = Server(port, options.baseline, cache, options.ahead, log)
    row: dict = {"pages": pages, "moves": options.moves, "mode": options.mode,
                 "code": "baseline" if options.baseline else "this", "ahead": options.ahead,
                 "browsers_yield": options.browsers_yield, "no_browsers": options.no_browsers}
    try:
        server.wait_listening()
        if options.ahead and options.baseline is None:
            while (ahead := room_stats(log).get("ahead") or {}).get("done", 0) < max(
                    ahead.get("total", 1), 1):
                await asyncio.sleep(5)
        await asyncio.sleep(3)
        row["before_rss"], row["before_pss"] = memory(server.process.pid)
        row["load_before"] = os.getloadavg()
        before = room_stats(log)
        peak = [0, 0]

        async def sample() -> None:
            while True:
                rss, pss = memory(server.process.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                if available_memory() < LOW_MEMORY:  # other people work on this machine
                    row["stopped"] = "the machine ran low on memory: the server was stopped"
                    server.stop()
                    return
                await asyncio.sleep(1.0)

        sampler = asyncio.create_task(sample())
        cpu = {"server": cpu_seconds(server.process.pid),
               "browser": cpu_seconds(os.getpid(), leaving_out=server.process.pid)}
        url = f"http://127.0.0.1:{port}/"

        def cpu_used() -> None:
            """The CPU the server and the browsers (or clients) used since the pages opened."""
            row["cpu_server"] = cpu_seconds(server.process.pid) - cpu["server"]
            row["cpu_browser"] = (cpu_seconds(os.getpid(), leaving_out=server.process.pid)
                                  - cpu["browser"])

        if options.no_browsers:
            results = await asyncio.wait_for(asyncio.gather(*(
                device(url, moves_for(options.mode, n, options.moves), options.think, n,
                       options.timeout) for n in range(pages))), options.deadline)
            cpu_used()
        else:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                if options.browsers_yield:
                    # its zygote, which forks every page's renderer, is up by now: they
                    # inherit it
                    yield_cpu(os.getpid(), leaving_out=server.process.pid)
                results = await asyncio.wait_for(asyncio.gather(*(
                    participant(browser, url, moves_for(options.mode, n, options.moves),
                                options.think, n, options.timeout, options.shots)
                    for n in range(pages))), options.deadline)
                cpu_used()  # before the browsers close
                await browser.close()
        sampler.cancel()
        row["load_after"] = os.getloadavg()
        after = room_stats(log)
        await asyncio.sleep(options.after_close)
        row["kernels_after_close"] = kernels(server.process.pid)
        row["peak_rss"], row["peak_pss"] = peak
    finally:
        server.stop()
    renders = [r.render_s for r in results if r.render_s is not None]
    updates = [u for r in results for u in r.updates_s]
    firsts = [u for r in results for u in r.first_s]
    servers = [s for r in results for s in r.server_s]
    row.update({
        "render_p50": percentile(renders, 0.5), "render_p95": percentile(renders, 0.95),
        "html_p95": percentile([r.html_s for r in results if r.html_s is not None], 0.95),
        "update_p50": percentile(updates, 0.5), "update_p95": percentile(updates, 0.95),
        "first_p50": percentile(firsts, 0.5), "first_p95": percentile(firsts, 0.95),
        "server_p50": percentile(servers, 0.5), "server_p95": percentile(servers, 0.95),
        "updates": len(updates), "failures": [f for r in results for f in r.failures],
        "pss_per_visit": (row["peak_pss"] - row["before_pss"]) / pages,
    })
    if after:
        answers = after["answers"] - before.get("answers", 0)
        cached = after["answers_from_cache"] - before.get("answers_from_cache", 0)
        row["room_answers"], row["room_from_cache"] = answers, cached
    row["pages_detail"] = [asdict(r) for r in results]
    return row


async def pages_only(options: argparse.Namespace, pages: int) -> dict:
    """``pages`` plain HTTP requests for the dashboard at once, no browser: the server's own
    part of a first view (a kernel started, the notebook run, the page made and sent), which
    in a room does not share its cores with the participants' browsers."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="labsim-bench-room-"))
    server = Server(port, options.baseline, options.cache or work / "cache", options.ahead,
                    work / "server.log")
    url = f"http://127.0.0.1:{port}/"

    def fetch(asked: float) -> float:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),  # 127.0.0.1 only
                                             urllib.request.HTTPCookieProcessor())
        with opener.open(url, timeout=options.timeout) as response:
            page = response.read()
        if WIDGETS_SHOWN not in page:  # an error page is no first view
            raise RuntimeError("the page shows no dashboard")
        return time.monotonic() - asked

    together = ThreadPoolExecutor(max_workers=pages)  # one thread a page
    try:
        server.wait_listening()
        await asyncio.sleep(3)
        cpu = cpu_seconds(server.process.pid)
        loop, asked = asyncio.get_running_loop(), time.monotonic()
        sent = await asyncio.wait_for(asyncio.gather(
            *(loop.run_in_executor(together, fetch, asked) for _ in range(pages)),
            return_exceptions=True), options.deadline)
        cpu = cpu_seconds(server.process.pid) - cpu
    finally:
        server.stop()  # first: a fetch still waiting then ends at once
        together.shutdown(wait=False, cancel_futures=True)
    times = [t for t in sent if isinstance(t, float)]
    return {"pages": pages, "sent_p50": percentile(times, 0.5),
            "sent_p95": percentile(times, 0.95), "failures": len(sent) - len(times),
            "cpu_server": cpu}


WIDGETS_SHOWN = b"application/vnd.jupyter.widget-view+json"
"""In a page whose dashboard cell ran: the view of its widgets."""


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def pages_only_line(row: dict) -> str:
    s = _seconds
    return (f"| {row['pages']} | {s(row['sent_p50'])} / {s(row['sent_p95'])} | "
            f"{row['failures']} | {row['cpu_server']:.1f} |")


PAGES_ONLY_HEADER = ("| pages | page sent p50 / p95 (s) | failures | CPU s: server |\n"
                     "|---|---|---|---|")


def line(row: dict) -> str:
    gib = 1024 ** 3
    s = _seconds
    cache = (f"{row['room_from_cache']}/{row['room_answers']}" if "room_answers" in row
             else "-")
    return (f"| {row['pages']} | {s(row['render_p50'])} / {s(row['render_p95'])} | "
            f"{s(row.get('first_p50'))} / {s(row.get('first_p95'))} | "
            f"{s(row['update_p50'])} / {s(row['update_p95'])} | "
            f"{s(row['server_p50'])} / {s(row['server_p95'])} | {cache} | "
            f"{len(row['failures'])} | {row['peak_rss'] / gib:.2f} / {row['peak_pss'] / gib:.2f}"
            f" | {row['pss_per_visit'] / 2**20:.0f} | {row['kernels_after_close']} | "
            f"{row['cpu_server']:.0f} / {row['cpu_browser']:.0f} | "
            f"{row['load_before'][0]:.2f} / {row['load_after'][0]:.2f} |")


HEADER = ("| pages | first view p50 / p95 (s) | first estimate p50 / p95 (s) | "
          "update p50 / p95 (s) | server 'Updated in' "
          "p50 / p95 (s) | moves from the cache | failures | peak RSS / PSS (GiB) | "
          "PSS per visit (MB) | kernels 60 s after close | CPU s: server / browsers | "
          "load before / after |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|")


def run(options: argparse.Namespace, pages: int) -> dict:
    """One room of ``pages`` participants (see the module), or with ``--pages-only`` their
    first views' server side alone."""
    return asyncio.run((pages_only if options.pages_only else run_room)(options, pages))


def _interrupted(_signal: int, _frame: object) -> None:
    """SIGTERM ends a run as Ctrl-C does: the server it started is stopped."""
    raise KeyboardInterrupt


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 5, 10, 25])
    parser.add_argument("--moves", type=int, default=4)
    parser.add_argument("--mode", choices=("same", "own"), default="own")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0),
                        help="seconds a participant reads between moves (uniform)")
    parser.add_argument("--ahead", action="store_true")
    parser.add_argument("--browsers-yield", action="store_true",
                        help="run the browsers at the lowest CPU priority (nice 19), so the "
                             "server is not slowed by them, as in a room")
    parser.add_argument("--no-browsers", action="store_true",
                        help="participants' devices elsewhere: each page is asked for and moved "
                             "over its kernel's websocket as its widget manager does, nothing "
                             "drawn on the server's cores")
    parser.add_argument("--pages-only", action="store_true",
                        help="fetch the page N times at once over plain HTTP, no browser and "
                             "no moves: the server's own part of a first view")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--cache", type=Path, help="the room's cache (default: a new one)")
    parser.add_argument("--timeout", type=float, default=240.0,
                        help="seconds a page or a move may take before it counts as failed")
    parser.add_argument("--deadline", type=float, default=1500.0,
                        help="seconds one room may take in all")
    parser.add_argument("--after-close", type=float, default=60.0,
                        help="seconds after the tabs closed to count the kernels still alive")
    parser.add_argument("--shots", type=Path,
                        help="save a screenshot of each page that failed in this folder")
    parser.add_argument("--json", type=Path, help="append each room's figures to this file")
    return parser.parse_args(argv)


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupted)
    options = arguments()
    what = ("pages only, no browser" if options.pages_only
            else f"{options.mode} moves x {options.moves}"
            f"{', no browsers (devices elsewhere)' if options.no_browsers else ''}")
    print(f"{what}, "
          f"{'baseline ' + str(options.baseline) if options.baseline else 'this code'}"
          f"{', answers computed ahead' if options.ahead else ''}"
          f"{', browsers at nice 19' if options.browsers_yield else ''}; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}\n"
          f"{PAGES_ONLY_HEADER if options.pages_only else HEADER}", flush=True)
    for pages in options.pages:
        row = run(options, pages)
        if options.pages_only:
            print(pages_only_line(row), flush=True)
        else:
            print(line(row), flush=True)
            for failure in sorted(set(row["failures"]))[:5]:
                print(f"    failure: {failure}", flush=True)
        if options.json:
            with open(options.json, "a") as out:
                out.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
