"""How participants find the room: its address, its room code, its QR code and the
facilitator's page."""

import re

from labsim.workshop import facilitator, invite


def test_a_room_code_is_six_characters_nobody_can_misread():
    codes = {invite.room_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(f"[{invite.CODE_LETTERS}]{{6}}", code) for code in codes)
    assert not set("01ilo") & set(invite.CODE_LETTERS)


def test_the_invitation_carries_the_code_and_its_qr_codes_are_made_here():
    invitation = invite.Invitation("10.23.0.1", 8866, "k7m3qp")
    assert invitation.url == "http://10.23.0.1:8866/?token=k7m3qp"
    assert invite.Invitation("10.23.0.1", 8866).url == "http://10.23.0.1:8866/"
    assert "\u2588" in invitation.qr_text()
    svg = invitation.qr_svg()
    tag = svg.split(">")[0]
    assert tag.startswith("<svg") and "viewBox" in tag and "width" not in tag  # scales


def test_the_laptops_address_is_never_loopback():
    address = invite.network_address()
    assert address is None or not address.startswith("127.")


def test_the_facilitator_page_shows_the_address_the_code_and_the_warning():
    invitation = invite.Invitation("10.23.0.1", 8866, "k7m3qp")
    stats = {"pages": 3, "workers": 2, "running": 1, "queued": {"move": 2}, "answers": 10,
             "answers_from_cache": 7, "answer_p50_s": 0.21, "answer_p95_s": 1.4,
             "ahead": {"done": 5, "total": 300}, "replaced_workers": 0}
    page = facilitator.page_html(invitation, stats)
    assert invitation.url in page and "k7m3qp" in page and "<svg" in page
    assert "Anyone on this network" in page
    assert facilitator.shown_status(stats)["from_cache"] == "70%"
    assert facilitator.shown_status(stats)["ahead"] == "5 / 300"
