from stretchtui.core import cues


def test_title_is_osc_2_and_strips_control_characters() -> None:
    assert cues.title("0:25 Cat-Cow") == "\x1b]2;0:25 Cat-Cow\x07"
    assert cues.title("evil\x07\x1b]0;x") == "\x1b]2;evil  ]0 x\x07"


def test_notification_sends_osc_9_and_777_and_wraps_for_tmux() -> None:
    plain = cues.notification("Switch sides", "Hamstring: right", in_tmux=False)
    assert plain == "\x1b]9;Switch sides: Hamstring: right\x07\x1b]777;notify;Switch sides;Hamstring: right\x07"
    wrapped = cues.notification("Done", "next", in_tmux=True)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]9;Done: next\x07\x1b\\")
    assert wrapped.count("\x1bPtmux;") == 2


def test_countdown_title_rounds_up() -> None:
    assert cues.countdown_title(24.2, "Cat-Cow") == "0:25 Cat-Cow · stretchtui"
    assert cues.countdown_title(0, "x", paused=True) == "paused · 0:00 x · stretchtui"


def test_a_long_notification_is_cut_at_a_word_never_inside_one() -> None:
    """An outside pass saw a break notice end in "mad" (from "made"): a cut word reads as another."""
    words = "Your safety answers say get medical help today, so no routine is suggested until it is made safe "
    body = (words * 4).strip()
    sent = cues.notification("stretchtui", body, in_tmux=False)
    shown = sent.split("\x07")[0].removeprefix("\x1b]9;stretchtui: ")
    assert shown.endswith("…") and len(shown) <= cues.LONGEST
    assert body.startswith(shown[:-1]) and body[len(shown) - 1] == " "  # whole words only
    assert cues.notification("t", "short text", in_tmux=False).startswith("\x1b]9;t: short text\x07")
    unbroken = "x" * 300  # no space to cut at: cut hard, still marked
    assert cues.title(unbroken) == "\x1b]2;" + "x" * (cues.LONGEST - 1) + "…\x07"
