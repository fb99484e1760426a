"""The field table (`tsk.fields`): the formats it must keep, the checks of one value that `tsk add`
and `tsk import` share (with the messages each gives), and how a new complaint is opened."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from tsk import baseline, fields, lifecycle, values, views
from tsk.context import Ledger
from tsk.errors import InvalidInput
from tsk.exchange import check as import_check
from tsk.exchange import read as import_read
from tsk.sla import PRESETS
from tsk.vocab import CHANNEL, KIND, NOTIFY_VIA, SEVERITY, STATUS, TOP_LEVEL

# The export's columns are a format: files written by an older tsk import into a newer one.
EXPORT_HEADER = (
    "ref", "status", "kind", "channel", "category", "business_type", "cause", "severity", "level",
    "received_at", "customer_name", "customer_phone", "customer_id_number", "group_size", "unit",
    "subject_staff", "assignee", "policy", "ack_due", "due", "cap_due", "report_due", "extended_days",
    "closed_at", "result", "resolution", "compensation", "root_cause", "rectification", "satisfaction", "flags",
    "policy_version", "customer_email", "customer_address", "summary", "demand", "referred_by", "referral_ref",
    "direct", "repeat_of", "is_group", "conflicts", "first_handler", "assignee_unit", "acked_at", "reported_at",
    "reopened", "notified_via", "reason",
    "emergency", "late_entry", "lapsed", "referral_due", "form_due", "form_at", "supervision_due", "supervised_at",
    "supervising_unit",
    "complainant_name", "complainant_relationship", "paused_at", "paused_days", "restarted_at", "merged_into",
    "review_at", "review_due", "reviewed_at", "review_result", "review_resolution", "remedy", "remedy_at",
    "followed_up_at", "follow_up_note",
)
# The keys of `tsk show --format json`, in order (the customer's in one object).
SHOW_KEYS = [
    "ref", "status", "kind", "channel", "category", "business_type", "cause", "severity", "level", "received_at",
    "customer", "complainant_name", "complainant_relationship", "group_size", "unit", "subject_staff", "assignee",
    "assignee_unit", "first_handler", "policy",
    "policy_version", "ack_due", "acked_at", "form_due", "form_at", "supervision_due", "supervised_at",
    "supervising_unit", "due", "cap_due", "paused_at", "paused_days", "restarted_at", "report_due", "reported_at",
    "extended_days", "closed_at", "result", "resolution", "compensation", "root_cause", "rectification", "satisfaction",
    "notified_via", "reason", "review_at", "review_due", "reviewed_at", "review_result", "review_resolution", "remedy",
    "remedy_at", "followed_up_at", "follow_up_note", "summary", "demand", "referred_by", "referral_ref", "referral_due",
    "repeat_of", "merged_into", "conflicts", "reopened", "flags",
]
ID_A = "11010519491231002X"  # GB 11643 example, valid check digit


def stored(**values) -> dict:
    """A stored complaint row: the table's columns, null unless given."""
    return {column: None for column in fields.ROW_COLUMNS} | {"is_group": 0, "direct": 0, "extended_days": 0,
                                                             "reopened": 0, "severity": "general"} | values


# -- the formats the table keeps --------------------------------------------------------------------
def test_the_export_columns_are_the_table_in_order():
    assert fields.EXPORT_FIELDS == EXPORT_HEADER


def test_the_baseline_columns_are_the_tables_stored_columns_today():
    """The digest's columns are a frozen format; a new field must be thought about (a new
    baseline format gets a new key) before this passes again."""
    assert baseline.BASELINE_COLUMNS == fields.ROW_COLUMNS


def test_the_stored_columns_are_the_export_with_compensation_in_fen_and_without_flags():
    assert fields.ROW_COLUMNS == tuple("compensation_fen" if f == "compensation" else f
                                       for f in EXPORT_HEADER if f != "flags")
    assert fields.NUMERIC_COLUMNS == {"level", "group_size", "extended_days", "compensation_fen", "policy_version",
                                      "direct", "is_group", "reopened", "emergency", "late_entry", "lapsed",
                                      "paused_days"}


def test_show_json_keeps_its_keys_in_order():
    view = views.complaint_json(stored(customer_phone="13812345678", compensation_fen=1999, conflicts='["王五"]'),
                                show_pii=False, today=None)
    assert list(view) == SHOW_KEYS
    assert view["customer"] == {"name": None, "phone": "138****5678", "id_number": None, "email": None,
                                "address": None}
    assert (view["compensation"], view["conflicts"]) == (19.99, ["王五"])


def test_the_list_csv_is_some_of_the_export_columns():
    from tsk.render.complaints import LIST_CSV_KEYS

    assert set(LIST_CSV_KEYS) <= set(EXPORT_HEADER)
    view = views.complaint_json(stored(customer_name="张三", customer_phone="13812345678"), show_pii=False, today=None)
    flat = views.flattened(view)
    assert (flat["customer_name"], flat["customer_phone"]) == ("张三", "138****5678") and "customer" not in flat


def test_an_import_needs_the_ref_and_receipt_then_what_add_asks_for():
    assert fields.REQUIRED == ("ref", "received_at", "channel", "category", "business_type", "cause",
                               "customer_name", "unit", "summary")
    assert [f.option for f in fields.ASKED] == ["customer", "channel", "category", "business_type", "cause", "unit",
                                                "summary"]
    assert [f"{f.label} {f.words}" for f in fields.ASKED][:4] == ["客户姓名 customer", "渠道 channel", "类别 category",
                                                                  "业务类型 business type"]


def test_every_option_of_add_is_a_field_of_intake():
    assert {f.option for f in fields.INTAKE_FIELDS} == set(lifecycle.Intake.__slots__)


def test_personal_data_is_masked_wherever_a_complaint_is_shown():
    row = stored(customer_phone="13812345678", customer_id_number=ID_A)
    record = views.export_record(row, show_pii=False)
    assert (record["customer_phone"], record["customer_id_number"]) == ("138****5678", "110***********002X")
    assert views.export_record(row, show_pii=True)["customer_id_number"] == ID_A
    details = views.masked_details(json.dumps({"changes": {"customer_phone": "13812345678"},
                                               "was": {"customer_id_number": ID_A}}))
    assert details == {"changes": {"customer_phone": "138****5678"}, "was": {"customer_id_number": "110***********002X"}}
    assert {f.name for f in fields.PII} == {"customer_phone", "customer_id_number", "customer_email", "customer_address"}
    row = stored(customer_email="zhang.san@example.cn", customer_address="广东省广州市天河区体育西路103号")
    record = views.export_record(row, show_pii=False)
    assert (record["customer_email"], record["customer_address"]) == ("z***@example.cn", "广东省广州市****")
    assert views.export_record(row, show_pii=True)["customer_address"] == "广东省广州市天河区体育西路103号"


@pytest.mark.parametrize("field, value, shown", [
    ("customer_email", "a@b.cn", "a***@b.cn"), ("customer_email", "no-at-sign", "**********"),
    ("customer_email", "@b.cn", "*****"), ("customer_address", "城关路1号", "*****"),
    ("customer_address", "广东省广州市越秀区", "广东省广州市****"),
])
def test_email_and_address_masks(field, value, shown):
    mask = fields.BY_NAME[field].mask
    assert mask(value) == shown
    assert mask(shown) == shown  # a masked value stays as it is: that is how an import knows one
    assert all(f.name.startswith(fields.CUSTOMER) for f in fields.PII)  # show masks them in its customer object


# -- the checks of one value -----------------------------------------------------------------------
def test_the_id_check_digit_is_the_weighted_sum_of_gb_11643():
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    rng = random.Random(11643)
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
        assert values.id_check_ok(first17 + check)
        assert not any(values.id_check_ok(first17 + other) for other in "0123456789X" if other != check)


@pytest.mark.parametrize("check, value, message", [
    (values.phone, "call me", "'*******' is not a phone number"),  # personal data: masked
    (values.id_number, "110105194912310021", "'110***********0021' has a wrong check digit"),
    (values.id_number, "11010519491231", "'110*******1231' is not 18 characters (17 digits and a digit or X)"),
    (values.amount_fen, "1e309", "'1e309' must be zero or more, to the fen"),
    (values.amount_fen, "1" + "0" * 40, "'" + "1" + "0" * 39 + "…' (41 characters) must be zero or more, to the fen"),
    (values.stored_date, "0999-06-01", "'0999-06-01' is out of range (years 1900 to 2999)"),
    (values.stored_time, "9999-12-31T23:59:59+08:00", "'9999-12-31T23:59:59+08:00' is out of range (years 1900 to 2999)"),
    (values.text, "x" * 10_001, "is 10,001 characters long, more than the 10,000 a text may have"),
    (values.names, "[" * 200_000, "'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[…' (200,000 characters) is not a JSON list of names"),
    (values.amount_fen, "abc", "'abc' is not an amount in yuan"),
    (values.amount_fen, "12.345", "'12.345' must be zero or more, to the fen"),
    (values.stored_date, "next week", "'next week' is not a date (YYYY-MM-DD)"),
    (values.stored_time, "2026-13-40", "'2026-13-40' is not a date and time (like 2026-11-23T14:05:00+08:00)"),
    (values.ref, "TS-26-1", "'TS-26-1' is not a complaint ref (like TS-2026-000123)"),
    (values.text, ["a"], 'expected text, not ["a"]'),
    (values.names, "王五", "'王五' is not a JSON list of names"),
    (values.enum(SEVERITY), "catastrophic", "'catastrophic' is not one of: general (一般), serious (较重), major (重大)"),
])
def test_a_bad_value_is_named_by_its_check(check, value, message):
    with pytest.raises(values.Invalid) as caught:
        check(value)
    assert str(caught.value) == message


@pytest.mark.parametrize("option, value, message", [
    ("phone", " call me ", "phone ' ca** me ' is not a phone number"),  # masked as a phone is shown
    ("id_number", "110105194912310021", "ID number '110***********0021' has a wrong check digit"),
    ("summary", "投" * 100_000, "summary is 100,000 characters long, more than the 10,000 a text may have"),
    ("received", "0226-11-03", "--received '0226-11-03' is out of range (years 1900 to 2999)"),
    ("kind", "rant", "kind 'rant' is not one of: complaint (投诉), suggestion (建议), inquiry (咨询)"),
    ("summary", "  ", "summary must not be empty"),
    ("received", "last tuesday", "--received 'last tuesday' is not a date or time (use 2026-11-23, 2026/11/3, "
                                 "2026.11.3, 2026年11月3日, 11月3日 (this year), each with a time (9:40, 14时05分), "
                                 "ISO 8601, today or yesterday)"),
])
def test_add_names_a_bad_value_by_its_option(option, value, message):
    field = next(f for f in fields.INTAKE_FIELDS if f.option == option)
    with pytest.raises(InvalidInput) as caught:
        values.intake_value(field, value)
    assert str(caught.value) == message


def test_a_command_caps_an_amount_that_an_import_does_not():
    assert lifecycle.parse_amount("1,000") == 100000 and lifecycle.parse_amount(" ") is None
    with pytest.raises(InvalidInput, match=r"^compensation '2000000000' must be an amount from 0 to "
                                                 r"1,000,000,000 yuan, to the fen$"):
        lifecycle.parse_amount("2000000000")
    assert values.amount_fen("2000000000") == 200_000_000_000


@pytest.mark.parametrize("given, stored_as", [
    ("138 1234-5678", "13812345678"), ("+8613812345678", "+8613812345678"), (13812345678, "13812345678"),
])
def test_a_phone_is_stored_as_its_digits(given, stored_as):
    assert values.phone(given) == stored_as


def test_a_list_of_names_is_stored_as_the_historys_canonical_json():
    awkward = [" 王五", "李四", "王五", "", 'a "b"\n\\']
    assert values.names_text(awkward) == lifecycle.canonical(sorted({n.strip() for n in awkward if n.strip()}))
    assert values.names('["b", " a"]') == '["a","b"]'


@pytest.mark.parametrize("vocab", [STATUS, KIND, CHANNEL, SEVERITY, NOTIFY_VIA])
def test_each_spelling_of_an_enumeration_names_one_key(vocab):
    spellings = [s for key, label in vocab.entries for s in {key, label, *label.split("/")}]
    assert len(spellings) == len(set(spellings))
    for key, label in vocab.entries:
        assert vocab.parse(f" {key.upper()} ") == key and vocab.parse(label) == key


# -- opening a complaint -----------------------------------------------------------------------------
class FixedCalendar:
    """Monday to Friday; enough to count the clocks of a plain week."""

    def shift(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return day

    def roll(self, day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day


def facts(**values) -> dict:
    return {"kind": "complaint", "severity": "general", "cause": "other", "group_size": 1,
            "received_at": "2026-06-01T10:00:00+08:00", **values}


def test_a_group_or_major_complaint_opens_at_the_top_level_with_a_report_clock():
    calendar, policy = FixedCalendar(), PRESETS["cbrc2012"]
    assert fields.opening(facts(), 5, policy, calendar) == {
        "is_group": 0, "emergency": 0, "level": 1, "ack_due": "2026-06-02", "due": "2026-06-22",
        "cap_due": "2026-08-24", "report_due": None}
    group = fields.opening(facts(group_size=5), 5, policy, calendar)
    major = fields.opening(facts(severity="major"), 5, policy, calendar)
    assert (group["is_group"], group["level"], group["report_due"]) == (1, TOP_LEVEL, "2026-06-02")
    assert (major["is_group"], major["level"], major["report_due"]) == (0, TOP_LEVEL, "2026-06-02")


def test_what_a_record_says_is_kept_at_opening():
    calendar, policy = FixedCalendar(), PRESETS["cbrc2012"]
    said = fields.opening(facts(group_size=9, is_group=0, level=2, extended_days=3, report_due="2026-07-01"), 5,
                          policy, calendar)
    assert (said["is_group"], said["level"], said["due"], said["report_due"]) == (0, 2, "2026-06-25", "2026-07-01")
    assert fields.opening(facts(is_group=1), 5) == {"is_group": 1, "emergency": 1, "level": TOP_LEVEL}  # no clocks


def test_the_column_checks_open_complaints_as_the_record_checks_do(ledger_path):
    """Records without their group flag, level or clocks: the column checks give them what
    `Checker.row` gives (both from `fields.opening`), and count the open ones computed."""
    ledger = Ledger.open(ledger_path)
    checker = import_check.Checker(ledger)
    header = ["ref", "received_at", "channel", "category", "business_type", "cause", "customer_name", "unit", "summary",
              "kind", "severity", "group_size", "extended_days", "status", "closed_at", "result", "policy",
              "ack_due", "due", "cap_due", "report_due", "level", "is_group"]
    common = ["2026-09-30T10:00:00+08:00", "phone", "service", "card", "other", "张三", "城关支行", "x"]
    rows = [
        ["TS-2026-000001", *common, "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["TS-2026-000002", *common, "inquiry", "major", "", "3", "open", "", "", "gdrcc2008", "", "", "", "2026-10-09",
         "", ""],
        ["TS-2026-000003", *common, "", "", "7", "", "closed", "2026-10-09T10:00:00+08:00", "upheld", "", "", "", "",
         "", "", ""],
        ["TS-2026-000004", *common, "", "", "9", "", "", "", "", "", "2026-10-08", "2026-10-21", "2026-12-25", "", "",
         "0"],
    ]
    reader = import_read.CsvReader.__new__(import_read.CsvReader)
    reader.header, reader.index = header, {c: i for i, c in enumerate(header)}
    fast = checker.columns.check(reader.index, rows, nul_seen=False)
    assert checker.computed == 2
    slow = [checker.row(reader.values(r)) for r in rows]
    assert checker.computed == 4
    assert fast == {c: ["" if row[c] is None else row[c] for row in slow] for c in fields.ROW_COLUMNS}
    assert fast["level"] == [1, TOP_LEVEL, TOP_LEVEL, 1] and fast["is_group"] == [0, 0, 1, 0]
    assert fast["report_due"][1] == "2026-10-09" and fast["report_due"][2]
    ledger.close()
