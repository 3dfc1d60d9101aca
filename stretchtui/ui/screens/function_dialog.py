"""The weekly function check: up to three everyday activities the back makes hard, each rated
0-10 (0 = can't do it, 10 = as before). It opens with the activities and this week's ratings;
saving renames, removes (an emptied name), adds and rates at once, by the rules of
`stretchtui function` (core.function). A rating left blank keeps what the week has."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from stretchtui.core.errors import FieldError
from stretchtui.core.function import MAX_ACTIVITIES, MAX_ACTIVITY, SCALE, ActivityEdit, activity_name, rating_value
from stretchtui.ui.screens.form import DraftDialog  # Esc asks before discarding; typing never replaces


class FunctionScreen(DraftDialog[list[ActivityEdit] | None]):
    ID_PREFIX = "function"

    def __init__(self, activities: Sequence[str] = (), ratings: Mapping[str, int] | None = None) -> None:
        """`activities`: the list in force; `ratings`: this week's, by activity name."""
        super().__init__()
        self.activities = list(activities)[:MAX_ACTIVITIES]
        self.ratings = dict(ratings or {})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="function"):
            yield Static("[b]Function this week[/b]: what does your back make hard?", classes="dialog-question")
            yield Static(
                f"Up to {MAX_ACTIVITIES} everyday activities, each rated 0-10 ({SCALE}). "
                "Empty a name to stop rating it; its past ratings are kept.",
                classes="dialog-hint",
                markup=False,
            )
            for i in range(MAX_ACTIVITIES):
                name = self.activities[i] if i < len(self.activities) else ""
                rating = self.ratings.get(name) if name else None
                with Horizontal(classes="function-row"):
                    yield Input(
                        name,
                        id=f"activity-{i}",
                        placeholder="e.g. put on socks"
                        if not self.activities and i == 0
                        else "another activity (optional)",
                        compact=True,
                        max_length=MAX_ACTIVITY,
                    )
                    yield Input(
                        "" if rating is None else str(rating),
                        id=f"rating-{i}",
                        placeholder="0-10",
                        compact=True,
                        classes="function-rating",
                    )
            yield from self.footer()

    def on_mount(self) -> None:
        self.query_one("#activity-0", Input).focus()

    def draft(self) -> list[ActivityEdit]:
        """The rows as edits, checked; a FieldError names the first bad field (its widget id)."""
        edits, seen = [], set()
        for i in range(MAX_ACTIVITIES):
            was = self.activities[i] if i < len(self.activities) else ""
            text = self.query_one(f"#activity-{i}", Input).value.strip()
            rating_text = self.query_one(f"#rating-{i}", Input).value.strip()
            if not text:
                if rating_text and not was:
                    raise FieldError(f"activity-{i}", "name the activity this rating is for")
                if was:
                    edits.append(ActivityEdit(was, ""))
                continue
            name = activity_name(text, f"activity-{i}")
            if name.casefold() in seen:
                raise FieldError(f"activity-{i}", f"{name!r} is named twice")
            seen.add(name.casefold())
            rating = rating_value(rating_text, f"rating-{i}") if rating_text else None
            edits.append(ActivityEdit(was, name, rating))
        return edits

    def placed(self, error: FieldError) -> tuple[str, Widget]:
        what = "Rating" if error.field.startswith("rating") else "Activity"
        return what, self.query_one(f"#{error.field}", Input)
