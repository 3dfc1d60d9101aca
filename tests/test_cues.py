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
