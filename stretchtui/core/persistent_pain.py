"""Pain that does not settle (docs/safety.md section 3): when to advise seeing a clinician.

Pain of 7/10 or more on each of the last 7 days, or notes spanning 4 weeks or more whose last
week is no better than the first. Advice in plain words, from NICE NG59; never a diagnosis.
Pure: no UI, no storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

PERSISTENT_PAIN = 7
PERSISTENT_DAYS = 7
NO_IMPROVEMENT_DAYS = 28
"""Notes spanning this many days (4 weeks) with the last week no better than the first: see someone."""

PERSISTENT_ADVICE = (
    f"Your pain has been {PERSISTENT_PAIN}/10 or more for {PERSISTENT_DAYS} days: please see a "
    "clinician, such as your doctor or a physiotherapist."
)
NO_IMPROVEMENT_ADVICE = (
    "Your pain notes show no improvement over the last four weeks or more: it is worth a "
    "review with your doctor or a physiotherapist."
)


def persistent_pain_advice(daily_worst: Mapping[date, int], today: date) -> tuple[str, ...]:
    """Advice to see someone: pain 7+ on each of the last 7 days (today included, a day without a
    note breaks the run), or notes spanning 4+ weeks whose last week is no better than the first."""
    advice: list[str] = []
    days = [today - timedelta(days=i) for i in range(PERSISTENT_DAYS)]
    if all(daily_worst.get(d, -1) >= PERSISTENT_PAIN for d in days):
        advice.append(PERSISTENT_ADVICE)
    noted = sorted(d for d in daily_worst if today - timedelta(days=42) <= d <= today)
    if noted and (noted[-1] - noted[0]).days >= NO_IMPROVEMENT_DAYS:
        first = [daily_worst[d] for d in noted if d < noted[0] + timedelta(days=7)]
        last = [daily_worst[d] for d in noted if d > noted[-1] - timedelta(days=7)]
        first_mean, last_mean = sum(first) / len(first), sum(last) / len(last)
        if last_mean >= first_mean and last_mean >= 3:
            advice.append(NO_IMPROVEMENT_ADVICE)
    return tuple(advice)
