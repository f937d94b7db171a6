"""How participants find the room: the laptop's address on the room's network, a room code
that keeps passers-by out, and the page's address as a QR code, made here (segno, pure
Python), never fetched."""

from __future__ import annotations

import io
import secrets
import socket
from dataclasses import dataclass

import segno

CODE_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"
"""Letters and digits that cannot be mistaken for one another when typed (no 0/o, 1/l/i)."""
CODE_LENGTH = 6
ROUTE_PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255")
"""Addresses a UDP socket is pointed at to learn which address the laptop's routes leave
from; pointing a UDP socket sends nothing."""


def network_address() -> str | None:
    """The laptop's address on its network (the one its routes leave from), or None when it
    has only loopback."""
    for probe in ROUTE_PROBES:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            try:
                udp.connect((probe, 9))
            except OSError:
                continue
            address = udp.getsockname()[0]
        if not address.startswith("127.") and address != "0.0.0.0":
            return address
    return None


def room_code() -> str:
    """A new room code: six characters, about a billion possibilities."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class Invitation:
    """The page's address as participants open it, with the room code if there is one."""

    address: str
    port: int
    code: str = ""

    @property
    def url(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"http://{host}:{self.port}/" + (f"?token={self.code}" if self.code else "")

    def qr_text(self) -> str:
        """The QR code as text for a terminal (two rows of modules per line)."""
        out = io.StringIO()
        segno.make(self.url, error="m").terminal(out=out, compact=True)
        return out.getvalue()

    def qr_svg(self) -> str:
        """The QR code as an SVG element, for a web page."""
        out = io.BytesIO()
        segno.make(self.url, error="m").save(out, kind="svg", scale=8, xmldecl=False,
                                             svgns=True, omitsize=True, title=self.url)
        return out.getvalue().decode("utf-8")
