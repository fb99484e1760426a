"""Deadline policies (docs/rules.md, Deadlines): the presets' deadlines for fixed receipts, a bank's
own policy file (examples/policies/workdays2020.toml: the 2020 rules read in working days), bad
policy files, and settings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tsk import sla, timeutil
from tsk.admin import load_policy_file
from tsk.errors import InvalidInput
from tsk.sla import PRESET_VERSIONS, PRESETS, Period, Policy
from tsk.workdays import build_calendar

D = dt.date
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "policies" / "workdays2020.toml"


@pytest.fixture
def cal():
    return build_calendar()


def received(text: str) -> dt.datetime:
    return timeutil.parse_datetime(text)


def clocks(policy, cal, when, *, kind="complaint", severity="general", report=False):
    got = sla.deadlines(policy, cal, received(when), kind=kind, severity=severity, report_to_regulator=report)
    return got.ack_due, got.due, got.cap_due, got.report_due


def one_error_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("Error:"), run.stderr
    return lines[0]


# -- presets ----------------------------------------------------------------------------------

def test_cbrc2012_counts_15_and_60_working_days_over_national_day(cal):
    assert clocks(PRESETS["cbrc2012"], cal, "2025-09-30 10:00") == (
        D(2025, 10, 9),   # ack: the next working day
        D(2025, 10, 28),  # 15 working days
        D(2025, 12, 30),  # cap: 60 working days
        None,
    )


def test_cbrc2012_report_deadline_only_when_reported_to_the_regulator(cal):
    ack, due, cap, report = clocks(PRESETS["cbrc2012"], cal, "2025-09-30 10:00", severity="major", report=True)
    assert report == D(2025, 10, 9)
    assert (ack, due, cap) == (D(2025, 10, 9), D(2025, 10, 28), D(2025, 12, 30))


def test_cbrc2012_referral_result_reported_3_working_days_after_closing(cal):
    closed = received("2025-09-29 16:00")
    assert sla.referral_report_due(PRESETS["cbrc2012"], cal, closed, kind="complaint", severity="general") == D(2025, 10, 10)


GDRCC_V1 = PRESET_VERSIONS[("gdrcc2008", 1)]  # superseded: kept for the complaints opened under it


def test_gdrcc2008_v1_resolution_is_7_working_days_after_the_2_day_supervision_form(cal):
    # ack (督办表) 2 working days after Tue 07-01 = Thu 07-03; then 7 working days = Mon 07-14;
    # cap: 3 months = 2025-10-01, National Day, rolled to 2025-10-09
    assert clocks(GDRCC_V1, cal, "2025-07-01 10:00") == (
        D(2025, 7, 3), D(2025, 7, 14), D(2025, 10, 9), None,
    )


def test_gdrcc2008_v1_counts_the_makeup_sunday_and_skips_national_day(cal):
    # Fri 09-26: ack on day 2 = Mon 09-29 (Sun 09-28 is make-up day 1); 7 more = 10-15
    assert clocks(GDRCC_V1, cal, "2025-09-26 10:00") == (
        D(2025, 9, 29), D(2025, 10, 15), D(2025, 12, 26), None,
    )


def test_gdrcc2008_cap_of_3_months_ending_in_spring_festival_rolls_forward(cal):
    for policy in (GDRCC_V1, PRESETS["gdrcc2008"]):
        ack, due, cap, _ = clocks(policy, cal, "2025-11-15 09:00")  # a Saturday
        assert cap == D(2026, 2, 24)  # 2026-02-15 is in the Spring Festival holiday


def test_preset_rules_as_listed(tsk):
    run = tsk("policy list --format json")
    assert run.exit_code == 0
    rows = {(r["name"], r["version"]): r for r in json.loads(run.stdout)}
    assert set(rows) == {("cbrc2012", 1), ("gdrcc2008", 1), ("gdrcc2008", 2), ("national2020", 1)}
    assert rows["cbrc2012", 1] | {"title": None} == {
        "name": "cbrc2012", "version": 1, "default": True, "ack": "1 working_days", "form": None,
        "supervision": None, "resolution": "15 working_days", "cap": "60 working_days", "report": "1 working_days",
        "referral_report": "3 working_days", "title": None, "days": "working_days", "extension_tiers": None,
        "review": None,
    }
    assert rows["national2020", 1] | {"title": None} == {
        "name": "national2020", "version": 1, "default": False, "ack": "1 working_days", "form": None,
        "supervision": None, "resolution": "15 calendar_days", "cap": "60 calendar_days", "report": "1 working_days",
        "referral_report": "3 working_days", "title": None, "days": "calendar_days",
        "extension_tiers": ["30 calendar_days", "60 calendar_days"], "review": "30 calendar_days",
    }
    assert rows["gdrcc2008", 1]["resolution"] == "7 working_days after ack"
    assert (rows["gdrcc2008", 1]["form"], rows["gdrcc2008", 1]["supervision"]) == (None, None)
    assert rows["gdrcc2008", 2] | {"title": None} == {
        "name": "gdrcc2008", "version": 2, "default": False, "ack": "1 working_days", "form": "0 calendar_days",
        "supervision": "2 working_days", "resolution": "7 working_days after supervision", "cap": "3 months",
        "report": "1 working_days", "referral_report": "3 working_days", "title": None, "days": "working_days",
        "extension_tiers": None, "review": None,
    }
    assert not rows["gdrcc2008", 1]["default"]


def test_the_default_mark_goes_to_the_newest_version_only(tsk):
    assert tsk("config set default_policy gdrcc2008").exit_code == 0
    listed = json.loads(tsk("policy list --format json").stdout)
    assert [(r["name"], r["version"]) for r in listed if r["default"]] == [("gdrcc2008", 2)]
    assert json.loads(tsk("policy show gdrcc2008").stdout)["version"] == 2
    assert json.loads(tsk("policy show gdrcc2008 --version 1").stdout)["resolution_from"] == "ack"


# -- the example policy file ------------------------------------------------------------------

def test_the_example_reads_the_2020_rules_in_working_days_with_an_inquiry_override():
    policy = load_policy_file(EXAMPLE)
    assert (policy.name, policy.version) == ("workdays2020", 1)
    assert policy.ack == Period(1, "working_days")
    assert policy.resolution == Period(15, "working_days")
    assert policy.cap == Period(60, "working_days")
    assert (policy.reading, policy.extension_tiers) == ("working_days", (Period(30, "working_days"),
                                                                         Period(60, "working_days")))
    assert (policy.clock_stops, policy.merge_repeats) == (True, True)
    assert (policy.review, policy.review_window) == (Period(30, "working_days"), Period(30, "working_days"))
    assert policy.resolution_from == "receipt"
    assert policy.for_case(kind="inquiry", severity="general").resolution == Period(24, "hours")
    assert policy.for_case(kind="complaint", severity="major").resolution == Period(15, "working_days")


def test_national2020_calendar_day_deadlines_roll_off_holidays_and_weekends(cal):
    policy = PRESETS["national2020"]
    # received Tue 2025-09-16: 15 days = 10-01 (National Day) -> 10-09; 60 days = Sat 11-15 -> Mon 11-17
    assert clocks(policy, cal, "2025-09-16 10:00") == (D(2025, 9, 17), D(2025, 10, 9), D(2025, 11, 17), None)
    # the example reads 日 as working days: 15 of them from the same day skip National Day whole
    assert clocks(load_policy_file(EXAMPLE), cal, "2025-09-16 10:00") == (D(2025, 9, 17), D(2025, 10, 13),
                                                                         D(2025, 12, 15), None)


def test_an_inquiry_answered_within_24_hours_is_rolled_to_a_working_day(cal):
    """A period in hours ends at a moment (docs/rules.md, Periods in hours); on a day off at the
    same time of the next working day."""
    policy = load_policy_file(EXAMPLE)
    moment = timeutil.parse_datetime
    assert clocks(policy, cal, "2025-09-16 10:00", kind="inquiry")[1] == moment("2025-09-17 10:00")
    # Fri 09-26 + 24 h = Sat 09-27, a day off; the next working day is the make-up Sunday 09-28
    assert clocks(policy, cal, "2025-09-26 10:00", kind="inquiry")[1] == moment("2025-09-28 10:00")
    # 23:30 on 09-30 + 24 h = 10-01 23:30 -> the same time after the holiday
    assert clocks(policy, cal, "2025-09-30 23:30", kind="inquiry")[1] == moment("2025-10-09 23:30")
    assert clocks(policy, cal, "2025-09-16 10:00", kind="inquiry")[2] == D(2025, 12, 15)  # cap unchanged


def test_policy_add_the_example_then_list_and_show(tsk):
    run = tsk(f"policy add {EXAMPLE}")
    assert run.exit_code == 0, run.stderr
    assert "workdays2020" in run.stdout

    rows = {r["name"]: r for r in json.loads(tsk("policy list --format json").stdout)}
    assert set(rows) == {"cbrc2012", "gdrcc2008", "national2020", "workdays2020"}
    assert rows["workdays2020"] == {
        "name": "workdays2020", "version": 1, "default": False, "ack": "1 working_days", "form": None,
        "supervision": None, "resolution": "15 working_days", "cap": "60 working_days", "report": "1 working_days",
        "referral_report": "3 working_days", "days": "working_days",
        "extension_tiers": ["30 working_days", "60 working_days"], "review": "30 working_days",
        "title": "2020年全国规定（按工作日计）：15个工作日内处理，可延长至30个工作日，特别复杂的经批准再延长30个工作日",
    }

    run = tsk("policy show workdays2020")
    assert run.exit_code == 0
    shown = json.loads(run.stdout)
    assert shown["clocks"] == {"ack": "1 working_days", "resolution": "15 working_days",
                               "cap": "60 working_days", "report": "1 working_days",
                               "referral_report": "3 working_days", "review": "30 working_days",
                               "review_window": "30 working_days"}
    assert shown["overrides"] == [{"when": {"kind": "inquiry"}, "resolution": "24 hours"}]
    assert (shown["resolution_from"], shown["days"], shown["clock_stops"]) == ("receipt", "working_days", True)
    assert Policy.from_mapping(shown) == load_policy_file(EXAMPLE)  # `show` prints what `add` reads


def test_a_policy_stored_before_the_2020_properties_reads_back_the_same():
    stored = {"name": "old", "version": 1, "title": "old", "source": "", "resolution_from": "receipt",
              "clocks": {"ack": "1 working_days", "resolution": "15 working_days", "cap": "60 working_days",
                         "report": "1 working_days", "referral_report": "3 working_days"}, "overrides": []}
    policy = Policy.from_mapping(stored)
    assert policy.to_mapping() == stored
    assert (policy.reading, policy.extension_tiers, policy.clock_stops, policy.review) == ("working_days", (), False,
                                                                                           None)


def test_policy_add_the_same_file_twice_is_harmless(tsk):
    assert tsk(f"policy add {EXAMPLE}").exit_code == 0
    run = tsk(f"policy add {EXAMPLE}")
    assert run.exit_code == 0, run.stderr
    names = [r["name"] for r in json.loads(tsk("policy list --format json").stdout)]
    assert names.count("workdays2020") == 1


def test_policy_add_same_name_and_version_with_other_rules_is_refused(tsk, tmp_path):
    assert tsk(f"policy add {EXAMPLE}").exit_code == 0
    changed = tmp_path / "changed.toml"
    changed.write_text(EXAMPLE.read_text(encoding="utf-8").replace('"1 working_days"', '"2 working_days"', 1),
                       encoding="utf-8")
    run = tsk(f"policy add {changed}")
    assert run.exit_code == 1
    assert "workdays2020" in one_error_line(run)
    assert json.loads(tsk("policy show workdays2020").stdout)["clocks"]["ack"] == "1 working_days"


def test_policy_new_version_is_stored_beside_the_old(tsk, tmp_path):
    assert tsk(f"policy add {EXAMPLE}").exit_code == 0
    v2 = tmp_path / "v2.toml"
    v2.write_text(EXAMPLE.read_text(encoding="utf-8").replace("version = 1", "version = 2")
                  .replace('"1 working_days"', '"2 working_days"', 1), encoding="utf-8")
    assert tsk(f"policy add {v2}").exit_code == 0
    assert json.loads(tsk("policy show workdays2020").stdout)["clocks"]["ack"] == "2 working_days"
    old = json.loads(tsk("policy show workdays2020 --version 1").stdout)
    assert (old["version"], old["clocks"]["ack"]) == (1, "1 working_days")


def test_policy_from_a_json_file(tsk, tmp_path):
    path = tmp_path / "bank.json"
    path.write_text(json.dumps({"name": "bank-internal", "version": 1, "clocks": {
        "ack": "1 工作日", "resolution": "3 working_days", "cap": "7 working_days"}}, ensure_ascii=False),
        encoding="utf-8")
    run = tsk(f"policy add {path}")
    assert run.exit_code == 0, run.stderr
    shown = json.loads(tsk("policy show bank-internal").stdout)
    assert shown["clocks"]["ack"] == "1 working_days"
    assert shown["clocks"]["report"] == "1 working_days"  # defaults filled in


def test_policy_named_like_a_preset_is_refused(tsk, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace('name = "workdays2020"', 'name = "national2020"'),
                    encoding="utf-8")
    run = tsk(f"policy add {path}")
    assert run.exit_code == 1
    one_error_line(run)


GOOD_CLOCKS = '[clocks]\nack = "1 working_days"\nresolution = "15 calendar_days"\ncap = "60 calendar_days"\n'


@pytest.mark.parametrize(
    "text, mentions",
    [
        ('name = "bad"\n' + GOOD_CLOCKS.replace('"15 calendar_days"', '"15 fortnights"'), "resolution"),
        ('name = "bad"\nversion = 1\n', "clocks"),
        ('name = "bad"\n[clocks]\nack = "1 working_days"\nresolution = "15 calendar_days"\n', "cap"),
        ('name = "bad"\n' + GOOD_CLOCKS.replace('"1 working_days"', '"-1 working_days"'), "ack"),
        ('name = "Bad Name"\n' + GOOD_CLOCKS, "name"),
        ('name = "bad"\nresolution_from = "closing"\n' + GOOD_CLOCKS, "resolution_from"),
        ('name = "bad"\n' + GOOD_CLOCKS + '[[overrides]]\nwhen = {channel = "phone"}\nresolution = "1 hours"\n', "channel"),
        ('name = "bad"\n' + GOOD_CLOCKS + '[[overrides]]\nwhen = {kind = "inquiry"}\nresolution = "soon"\n', "overrides"),
        ('name = "bad"\n[clocks\n', "TOML"),
        ('name = "bad"\ndays = "weeks"\n' + GOOD_CLOCKS, "days"),
        ('name = "bad"\nextension_tiers = ["10 calendar_days"]\n' + GOOD_CLOCKS, "extension_tiers"),
        ('name = "bad"\nextension_tiers = ["30 calendar_days", "90 calendar_days"]\n' + GOOD_CLOCKS, "extension_tiers"),
        ('name = "bad"\nextension_tiers = ["30 working_days"]\n' + GOOD_CLOCKS, "extension_tiers"),
        ('name = "bad"\nclock_stops = "yes"\n' + GOOD_CLOCKS, "clock_stops"),
        ('name = "bad"\nclock_stops = true\nresolution_from = "ack"\n' + GOOD_CLOCKS, "clock_stops"),
        ('name = "bad"\n' + GOOD_CLOCKS + 'review = "30 calendar_days"\n', "review_window"),
    ],
    ids=["unknown-unit", "missing-clocks", "missing-cap", "negative", "bad-name", "resolution-from",
         "override-on-channel", "override-period", "not-toml", "days", "tier-below-resolution", "tier-past-cap",
         "tier-unit", "stops-not-a-flag", "stops-not-from-receipt", "review-without-window"],
)
def test_bad_policy_file_is_bad_usage_with_one_error_line(tsk, tmp_path, text, mentions):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    run = tsk(f"policy add {path}")
    assert run.exit_code == 2
    assert mentions in one_error_line(run)
    with pytest.raises(InvalidInput):
        load_policy_file(path)
    names = [r["name"] for r in json.loads(tsk("policy list --format json").stdout)]
    assert "bad" not in names


def test_missing_policy_file_is_bad_usage(tsk, tmp_path):
    run = tsk(f"policy add {tmp_path / 'nosuch.toml'}")
    assert run.exit_code == 2
    one_error_line(run)


def test_policy_show_unknown_name_is_refused(tsk):
    run = tsk("policy show nosuch")
    assert run.exit_code == 1
    assert "cbrc2012" in one_error_line(run)  # names the known ones


# -- settings ---------------------------------------------------------------------------------

def test_group_threshold_below_one_is_bad_usage(tsk):
    run = tsk("config set group_threshold 0")
    assert run.exit_code == 2
    assert "group_threshold" in one_error_line(run)
    assert tsk("config get group_threshold").stdout == "5\n"


def test_group_threshold_must_be_a_number(tsk):
    run = tsk("config set group_threshold many")
    assert run.exit_code == 2
    one_error_line(run)


def test_default_policy_must_exist(tsk):
    run = tsk("config set default_policy nosuch")
    assert run.exit_code == 1
    assert "nosuch" in one_error_line(run)
    assert tsk("config get default_policy").stdout == "cbrc2012\n"


def test_default_policy_can_be_a_policy_added_from_a_file(tsk):
    assert tsk(f"policy add {EXAMPLE}").exit_code == 0
    run = tsk("config set default_policy workdays2020")
    assert run.exit_code == 0, run.stderr
    assert tsk("config get default_policy").stdout == "workdays2020\n"
    rows = {r["name"]: r["default"] for r in json.loads(tsk("policy list --format json").stdout)}
    assert rows == {"cbrc2012": False, "gdrcc2008": False, "national2020": False, "workdays2020": True}


def test_units_setting_is_a_comma_separated_list(tsk):
    run = tsk(["config", "set", "units", "营业部,城东支行"])
    assert run.exit_code == 0, run.stderr
    assert tsk("config get units").stdout == "营业部,城东支行\n"
    assert json.loads(tsk("config show --format json").stdout)["units"] == ["营业部", "城东支行"]


def test_units_setting_accepts_chinese_commas_and_refuses_duplicates(tsk):
    assert tsk(["config", "set", "units", "营业部， 城东支行"]).exit_code == 0
    assert tsk("config get units").stdout == "营业部,城东支行\n"
    run = tsk(["config", "set", "units", "营业部,营业部"])
    assert run.exit_code == 2
    one_error_line(run)
    assert tsk("config get units").stdout == "营业部,城东支行\n"


def test_unknown_setting_is_refused(tsk):
    run = tsk("config set nosuch 1")
    assert run.exit_code == 1
    assert "group_threshold" in one_error_line(run)  # names the known settings
    assert tsk("config get nosuch").exit_code == 1
