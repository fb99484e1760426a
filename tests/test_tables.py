"""Tables that fit the terminal (README, Commands): at 80 columns the everyday tables keep
every line within the width, never split a name (越秀支行营业部) or a heading across lines, and
leave out their least needed columns instead; at 200 columns everything is shown."""

from __future__ import annotations

import re

import pytest
from helpers import BASE, ok

from tsk.render.textable import width_of

UNIT = "越秀支行营业部"


@pytest.fixture
def ledger(tsk):
    """A group complaint at a unit with a long name, and an ordinary one; both overdue by 20 November."""
    ok(tsk, ["add", *BASE[:-4], "--unit", UNIT, "--summary", "ATM 吞卡，多名客户同时投诉", "--group-size", "9",
             "--received", "2026-09-01 10:00"])
    ok(tsk, ["add", *BASE, "--received", "2026-11-01 10:00"])


def lines_of(tsk, monkeypatch, width: int, argv: list[str]) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    return ok(tsk, argv).stdout.splitlines()


@pytest.mark.parametrize("argv", [["overdue", "--as-of", "2026-11-20"], ["list"], ["policy", "list"]])
def test_at_80_columns_a_table_fits_and_splits_no_name(tsk, monkeypatch, ledger, argv):
    lines = lines_of(tsk, monkeypatch, 80, argv)
    assert all(width_of(line) <= 80 for line in lines), "\n".join(lines)
    header = lines[0].split()
    assert len(lines[1].strip("━ ")) == 0  # the rule right under one header line: no heading wrapped
    assert all(len(word) >= 2 for word in header)  # no heading cut into single characters
    if argv[0] != "policy":
        assert sum(UNIT in line for line in lines) >= 1
        assert not any(line.rstrip().endswith(UNIT[:3]) for line in lines)  # 越秀支 / 行: split before


def test_the_narrow_overdue_table_leaves_out_severity_and_level_first(tsk, monkeypatch, ledger):
    wide = lines_of(tsk, monkeypatch, 200, ["overdue", "--as-of", "2026-11-20"])[0].split()
    narrow = lines_of(tsk, monkeypatch, 80, ["overdue", "--as-of", "2026-11-20"])[0].split()
    assert wide == ["编号", "时限", "到期日", "逾期", "状态", "级别", "程度", "单位", "处理人", "标记"]
    assert narrow[:5] == ["编号", "时限", "到期日", "逾期", "单位"]
    assert "程度" not in narrow and "级别" not in narrow


def test_policy_list_says_its_periods_in_chinese_in_a_table_and_keeps_keys_in_json(tsk, monkeypatch):
    import json

    table = "\n".join(lines_of(tsk, monkeypatch, 200, ["policy", "list"]))
    assert "15个工作日" in table and "working_days" not in table
    listed = json.loads(ok(tsk, ["policy", "list", "--format", "json"]).stdout)
    assert next(p for p in listed if p["name"] == "cbrc2012")["resolution"] == "15 working_days"
    assert "当日" in table and not re.search(r"(?<![0-9])0日", table)  # the Guangdong 处理表: the same day
    gd2 = next(p for p in listed if (p["name"], p["version"]) == ("gdrcc2008", 2))
    assert gd2["form"] == "0 calendar_days" and gd2["resolution"] == "7 working_days after supervision"


def test_chinese_prose_never_starts_a_line_with_closing_punctuation():
    from tsk.render.textable import wrap

    text = "广东农信2008：当天报处理表，2个工作日内出具督办表，出具后7个工作日办结，最长3个月。"
    for width in range(8, 40):  # narrower, a word may have to be cut by cells
        lines = wrap(text, width)
        assert "".join(lines) == text  # nothing lost or added
        assert not any(line[:1] in "，。：" for line in lines), (width, lines)
