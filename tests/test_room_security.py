"""The room's page, served on a network address, gives a stranger nothing but the dashboard:
tests/room_probe.py probes ``serve --room`` as a stranger on the room's network would.

The server runs inside a network namespace the test makes (``unshare -rn``): its only
interface is its own loopback, given the address 10.23.0.1 and a default route, so the
server finds that address as it finds a laptop's Wi-Fi address and nothing leaves the
namespace. Where namespaces are not allowed it serves on 127.0.0.2 instead. About 40 s.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROBE = Path(__file__).resolve().parent / "room_probe.py"
ROOM_ADDRESS = "10.23.0.1"
NAMESPACE = ["unshare", "-rn", "sh", "-c",
             f"ip link set lo up && ip addr add {ROOM_ADDRESS}/24 dev lo "
             '&& ip route add default dev lo && exec "$0" "$@"']


def _namespaces_allowed() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run([*NAMESPACE, "true"], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict:
    log = tmp_path_factory.mktemp("room") / "serve.log"
    if _namespaces_allowed():
        command = [*NAMESPACE, sys.executable, str(PROBE), str(log)]
    else:
        command = [sys.executable, str(PROBE), str(log), "--address=127.0.0.2"]
    probe = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert probe.returncode == 0, probe.stderr + log.read_text()
    return json.loads(probe.stdout)


def test_the_room_is_served_on_the_network_address_with_its_code_and_qr_code(found):
    assert found["address"] in (ROOM_ADDRESS, "127.0.0.2")
    assert len(found["room code"]) == 6 and found["qr code printed"]
    assert found["page on 127.0.0.1"] is False  # on the room's address only


def test_without_the_room_code_there_is_no_page_and_no_kernel(found):
    assert found["page without the code"] == [302, False]  # to the room-code page
    assert found["page with a wrong code"] == [302, False]
    assert found["page with the code"] == [200, True]


def test_an_execute_request_on_the_kernels_websocket_is_refused(found):
    assert found["own kernel answers kernel_info"]  # the socket works: refusal is deliberate
    assert not found["execute_request answered"]
    assert not found["execute_request ran code"]


def test_jupyter_apis_and_jupyterlab_are_not_served(found):
    assert found["apis"] and set(found["apis"].values()) <= {403, 404}, found["apis"]


def test_no_file_of_the_laptop_is_served_by_any_path(found):
    refused = {path: status for path, (status, _leaked) in found["files"].items()}
    assert set(refused.values()) <= {403, 404}, refused
    assert not any(leaked for _status, leaked in found["files"].values())


def test_one_participant_cannot_reach_anothers_kernel(found):
    assert found["other's kernel: GET"] == 404
    assert found["other's kernel: websocket"] == "refused (404)"
    assert found["other's kernel: shutdown"] == 404
    assert found["own kernel alive after that"] == 200
    assert found["a made-up kernel"] == 404
    assert found["own kernel: DELETE"] == 405


def test_a_closing_page_shuts_its_own_kernel_down(found):
    assert "_xsrf" in found["cookies"]
    assert found["own page closing: shutdown"] == 204
    assert found["own kernel after closing"] == 404


def test_the_facilitator_page_is_not_on_the_network(found):
    assert found["facilitator page from the network"] is False
