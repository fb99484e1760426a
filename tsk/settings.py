"""Ledger settings, stored in the ledger itself so every officer and cron see the same."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tsk.errors import InvalidInput, NotFound

DEFAULTS: dict[str, Any] = {
    "default_policy": "cbrc2012",
    "group_threshold": 5,  # complainants at or above which a complaint is a group complaint
    "hotspot_threshold": 3,  # distinct customers, same unit and category, within the window
    "hotspot_window_days": 30,
    "repeat_window_days": 365,  # a decision this recent makes a new complaint a likely repeat
    "units": [],  # the units complaints may name; empty means any
}

DESCRIPTIONS = {
    "default_policy": "deadline policy for new complaints (see `tsk policy list`)",
    "group_threshold": "group complaint (群体性投诉) at this many complainants or more",
    "hotspot_threshold": "hot spot (热点) at this many distinct customers",
    "hotspot_window_days": "hot-spot window in calendar days",
    "repeat_window_days": "a decision within this many days makes a new complaint a repeat",
    "units": "units complaints may name, comma-separated (empty: any)",
}


def _positive_int(key: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(f"{key} must be a whole number, not {text!r}") from None
    if value < 1:
        raise InvalidInput(f"{key} must be at least 1, not {value}")
    return value


def _units(key: str, text: str) -> list[str]:
    units = [u.strip() for u in text.replace("，", ",").split(",") if u.strip()]
    if len(set(units)) != len(units):
        raise InvalidInput("units lists a unit twice")
    return units


PARSERS: dict[str, Callable[[str, str], Any]] = {
    "default_policy": lambda key, text: text.strip(),
    "group_threshold": _positive_int,
    "hotspot_threshold": _positive_int,
    "hotspot_window_days": _positive_int,
    "repeat_window_days": _positive_int,
    "units": _units,
}


def parse(key: str, text: str) -> Any:
    if key not in PARSERS:
        raise NotFound(f"no setting {key!r} (settings: {', '.join(DEFAULTS)})")
    return PARSERS[key](key, text)


def load(store) -> dict[str, Any]:
    values = dict(DEFAULTS)
    for row in store.rows("SELECT key, value FROM setting"):
        values[row["key"]] = json.loads(row["value"])
    return values
