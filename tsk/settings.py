"""Ledger settings, stored in the ledger itself so every officer and cron see the same."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from tsk import messages as msg
from tsk.errors import InvalidInput, NotFound, echo


class Setting(NamedTuple):
    key: str
    default: Any
    meaning: msg.Message  # shown by `tsk config show`
    parse: Callable[[str, str], Any]  # (key, text given to `config set`) -> the value stored


def _text(key: str, text: str) -> str:
    return text.strip()


def _name(key: str, text: str) -> str:
    """A name that goes into records as it is: a text tsk could record anywhere (empty: none)."""
    from tsk.values import optional_text

    return optional_text(text, key) or ""


def _positive_int(key: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(msg.SETTING_NOT_WHOLE, key=key, value=echo(text)) from None
    if value < 1:
        raise InvalidInput(msg.SETTING_BELOW_1, key=key, value=value)
    return value


def _units(key: str, text: str) -> list[str]:
    units = [u.strip() for u in text.replace("，", ",").split(",") if u.strip()]
    if len(set(units)) != len(units):
        raise InvalidInput(msg.UNIT_TWICE)
    return units


# Every setting, once. A ledger stores only what `tsk config set` changed; the rest is the
# default here, so a new default reaches every ledger that never set it.
SETTINGS = {s.key: s for s in (
    Setting("default_policy", "cbrc2012", msg.SETTING_DEFAULT_POLICY, _text),
    Setting("group_threshold", 5, msg.SETTING_GROUP_THRESHOLD, _positive_int),
    Setting("hotspot_threshold", 3, msg.SETTING_HOTSPOT_THRESHOLD, _positive_int),
    Setting("hotspot_window_days", 30, msg.SETTING_HOTSPOT_WINDOW, _positive_int),
    Setting("repeat_window_days", 365, msg.SETTING_REPEAT_WINDOW, _positive_int),
    Setting("units", [], msg.SETTING_UNITS, _units),
    Setting("supervising_unit", "", msg.SETTING_SUPERVISING_UNIT, _name),
    # The sender of the letters to customers (`tsk notice`): the contact the 2012 notice asks an
    # acceptance to give (银监发〔2012〕13号 第七条). No bank is like another: each default says it
    # must be set, and a letter printed before then says so too (and the command warns).
    Setting("institution", "（未设置银行名称）", msg.SETTING_INSTITUTION, _name),
    Setting("complaint_phone", "（未设置投诉电话）", msg.SETTING_COMPLAINT_PHONE, _name),
    Setting("complaint_address", "（未设置通讯地址）", msg.SETTING_COMPLAINT_ADDRESS, _name),
)}


def parse(key: str, text: str) -> Any:
    if key not in SETTINGS:
        raise NotFound(msg.NO_SETTING, key=echo(key), known=", ".join(SETTINGS))
    return SETTINGS[key].parse(key, text)


def load(store) -> dict[str, Any]:
    values = {key: setting.default for key, setting in SETTINGS.items()}
    for row in store.rows("SELECT key, value FROM setting"):
        values[row["key"]] = json.loads(row["value"])
    return values
