"""Schema upgrades in place: a ledger made by tsk's first schema (v1, kept here as the literal
DDL it was created with) is brought to the current one on first use, with its data and its
history intact; a ledger newer than this tsk is refused, naming both versions."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from helpers import Live

from tsk import history
from tsk.store import schema


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)


# The SQLite schema of v1 (commit 883c66f), as `tsk.store.schema.schema_ddl("sqlite")` wrote it then.
SCHEMA_V1 = """
CREATE TABLE audit (
	id INTEGER NOT NULL, at VARCHAR(25) NOT NULL, actor VARCHAR NOT NULL, action VARCHAR(24) NOT NULL,
	details VARCHAR NOT NULL, PRIMARY KEY (id)
);
CREATE TABLE calendar_correction (
	day VARCHAR(10) NOT NULL, workday INTEGER NOT NULL, note VARCHAR, actor VARCHAR NOT NULL,
	recorded_at VARCHAR(25) NOT NULL, PRIMARY KEY (day)
);
CREATE TABLE complaint (
	id INTEGER NOT NULL, ref VARCHAR(20) NOT NULL, status VARCHAR(12) NOT NULL, kind VARCHAR(16) NOT NULL,
	channel VARCHAR(16) NOT NULL, category VARCHAR(16) NOT NULL, business_type VARCHAR(16) NOT NULL,
	cause VARCHAR(20) NOT NULL, severity VARCHAR(10) NOT NULL, level INTEGER NOT NULL,
	received_at VARCHAR(25) NOT NULL, customer_name VARCHAR NOT NULL, customer_phone VARCHAR,
	customer_id_number VARCHAR, customer_email VARCHAR, customer_address VARCHAR, group_size INTEGER NOT NULL,
	is_group INTEGER NOT NULL, unit VARCHAR NOT NULL, subject_staff VARCHAR, conflicts VARCHAR,
	summary VARCHAR NOT NULL, demand VARCHAR, referred_by VARCHAR, referral_ref VARCHAR, direct INTEGER NOT NULL,
	repeat_of VARCHAR, first_handler VARCHAR NOT NULL, assignee VARCHAR, assignee_unit VARCHAR,
	policy VARCHAR(40) NOT NULL, policy_version INTEGER NOT NULL, ack_due VARCHAR(10) NOT NULL,
	due VARCHAR(10) NOT NULL, cap_due VARCHAR(10) NOT NULL, report_due VARCHAR(10), acked_at VARCHAR(25),
	reported_at VARCHAR(25), extended_days INTEGER NOT NULL, reopened INTEGER NOT NULL, closed_at VARCHAR(25),
	result VARCHAR, resolution VARCHAR, compensation_fen INTEGER, root_cause VARCHAR, rectification VARCHAR,
	satisfaction VARCHAR, notified_via VARCHAR, reason VARCHAR, event_count INTEGER NOT NULL,
	history_head VARCHAR NOT NULL, PRIMARY KEY (id), UNIQUE (ref)
);
CREATE INDEX ix_complaint_ack_clock ON complaint (status, acked_at, ack_due);
CREATE INDEX ix_complaint_received ON complaint (received_at);
CREATE INDEX ix_complaint_phone ON complaint (customer_phone);
CREATE INDEX ix_complaint_id_number ON complaint (customer_id_number);
CREATE INDEX ix_complaint_resolution_clock ON complaint (status, due);
CREATE INDEX ix_complaint_report_clock ON complaint (reported_at, report_due);
CREATE INDEX ix_complaint_assignee ON complaint (assignee);
CREATE INDEX ix_complaint_unit_category ON complaint (unit, category, received_at);
CREATE INDEX ix_complaint_cap_clock ON complaint (status, cap_due);
CREATE TABLE policy_definition (
	name VARCHAR(40) NOT NULL, version INTEGER NOT NULL, definition VARCHAR NOT NULL, actor VARCHAR NOT NULL,
	recorded_at VARCHAR(25) NOT NULL, PRIMARY KEY (name, version)
);
CREATE TABLE published_year (
	year INTEGER NOT NULL, note VARCHAR, actor VARCHAR NOT NULL, recorded_at VARCHAR(25) NOT NULL,
	PRIMARY KEY (year)
);
CREATE TABLE ref_counter (year INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (year));
CREATE TABLE schema_migration (
	version INTEGER NOT NULL, description VARCHAR NOT NULL, applied_at VARCHAR(25) NOT NULL, PRIMARY KEY (version)
);
CREATE TABLE setting ("key" VARCHAR(40) NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE event (
	id INTEGER NOT NULL, complaint_id INTEGER NOT NULL, seq INTEGER NOT NULL, at VARCHAR(25) NOT NULL,
	recorded_at VARCHAR(25) NOT NULL, actor VARCHAR NOT NULL, action VARCHAR(24) NOT NULL, details VARCHAR NOT NULL,
	prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL, PRIMARY KEY (id),
	CONSTRAINT uq_event_complaint_seq UNIQUE (complaint_id, seq), FOREIGN KEY(complaint_id) REFERENCES complaint (id)
);
CREATE TABLE lapse (
	complaint_id INTEGER NOT NULL, clock VARCHAR(12) NOT NULL, due VARCHAR(10) NOT NULL,
	detected_at VARCHAR(25) NOT NULL, PRIMARY KEY (complaint_id, clock, due),
	FOREIGN KEY(complaint_id) REFERENCES complaint (id)
);
INSERT INTO schema_migration VALUES (1, 'initial schema', '2026-06-01T09:00:00+08:00');
INSERT INTO setting VALUES ('default_policy', '"cbrc2012"'), ('group_threshold', '5'), ('hotspot_threshold', '3'),
	('hotspot_window_days', '30'), ('repeat_window_days', '365'), ('units', '[]');
INSERT INTO ref_counter VALUES (2026, 1);
"""

# A complaint registered under v1, then noted: the row and its two chained events.
V1_COMPLAINT = {
    "ref": "TS-2026-000001", "status": "open", "kind": "complaint", "channel": "phone", "category": "service",
    "business_type": "card", "cause": "service-quality", "severity": "general", "level": 1,
    "received_at": "2026-06-01T10:00:00+08:00", "customer_name": "张三", "customer_phone": "13812345678",
    "customer_id_number": "11010519491231002X", "customer_email": None, "customer_address": None, "group_size": 1,
    "is_group": 0, "unit": "城关支行", "subject_staff": None, "conflicts": None, "summary": "柜员态度差, \"不耐烦\"",
    "demand": None, "referred_by": None, "referral_ref": None, "direct": 0, "repeat_of": None,
    "first_handler": "officer", "assignee": None, "assignee_unit": None, "policy": "cbrc2012", "policy_version": 1,
    "ack_due": "2026-06-02", "due": "2026-06-22", "cap_due": "2026-08-25", "report_due": None, "acked_at": None,
    "reported_at": None, "extended_days": 0, "reopened": 0, "closed_at": None, "result": None, "resolution": None,
    "compensation_fen": None, "root_cause": None, "rectification": None, "satisfaction": None, "notified_via": None,
    "reason": None,
}


def v1_events() -> list[dict]:
    events, prev = [], ""
    for seq, (at, action, details) in enumerate([
        ("2026-06-01T10:00:00+08:00", "registered", {"changes": V1_COMPLAINT}),
        ("2026-06-01T11:00:00+08:00", "noted", {"text": "已电话联系客户"}),
    ], start=1):
        event = {"complaint_id": 1, "seq": seq, "at": at, "recorded_at": at, "actor": "officer", "action": action,
                 "details": history.canonical(details), "prev_hash": prev}
        event["hash"] = prev = history.event_hash(event["prev_hash"], V1_COMPLAINT["ref"], event)
        events.append(event)
    return events


@pytest.fixture
def v1_ledger(ledger_path):
    events = v1_events()
    os.remove(ledger_path)  # the test's new ledger, made by a tsk of today: this one is of v1
    with sqlite3.connect(ledger_path) as db:
        db.executescript(SCHEMA_V1)
        row = {**V1_COMPLAINT, "id": 1, "event_count": len(events), "history_head": events[-1]["hash"]}
        db.execute(f"INSERT INTO complaint ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row)
        for event in events:
            db.execute(f"INSERT INTO event ({', '.join(event)}) VALUES ({', '.join(':' + k for k in event)})", event)
    os.chmod(ledger_path, 0o600)  # as the tsk that made it left it (one readable by others is warned of)
    return ledger_path


V6_ADDED = (0, 0, 0, None, None, None, None, None, None)  # emergency, late_entry, lapsed, referral_due, form…
# complainant name and relationship, paused_at, paused_days, restarted_at, merged_into, the review's five, remedy and
# its time, the follow-up's time and note
V7_ADDED = (None, None, None, 0, None, None, None, None, None, None, None, None, None, None, None)


def dump(path: str, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_a_v1_ledger_is_upgraded_in_place_on_first_use(tsk, v1_ledger):
    complaint_before = dump(v1_ledger, "SELECT * FROM complaint")
    events_before = dump(v1_ledger, "SELECT * FROM event ORDER BY id")
    run = tsk("list --format json")
    assert run.exit_code == 0, run.stderr
    assert [c["ref"] for c in json.loads(run.stdout)] == ["TS-2026-000001"]
    versions = dump(v1_ledger, "SELECT version, description FROM schema_migration ORDER BY version")
    assert [v for v, _ in versions] == list(range(1, schema.CURRENT_VERSION + 1))
    assert versions[1] == (2, "index for list order: status, direct first, soonest due, ref")
    assert dump(v1_ledger, "SELECT sql FROM sqlite_master WHERE name = 'ix_complaint_list_order'") == [
        ("CREATE INDEX ix_complaint_list_order ON complaint (status, direct DESC, due, ref)",)]
    # The row as it was, and the columns added since with what a complaint of then holds.
    assert dump(v1_ledger, "SELECT * FROM complaint") == [(*complaint_before[0], *V6_ADDED, *V7_ADDED)]
    assert dump(v1_ledger, "SELECT * FROM event ORDER BY id") == events_before
    assert tsk("verify").stdout.startswith("ok: 1 complaint(s), 2 event(s)")


def test_the_upgraded_ledger_has_the_schema_of_a_new_one(tsk, v1_ledger, tmp_path):
    assert tsk("verify").exit_code == 0
    fresh = str(tmp_path / "fresh.db")
    assert tsk(["--db", fresh, "init"]).exit_code == 0
    shape = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    upgraded, new = dump(v1_ledger, shape), dump(fresh, shape)
    assert [(t, n) for t, n, _ in upgraded] == [(t, n) for t, n, _ in new]
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    assert dump(v1_ledger, indexes) == dump(fresh, indexes)
    assert dump(v1_ledger, "SELECT sql FROM sqlite_master WHERE name = 'ix_complaint_resolution_clock'") == [
        ("CREATE INDEX ix_complaint_resolution_clock ON complaint (status, paused_at, due) WHERE status = 'open' "
         "AND paused_at IS NULL",)]  # v4, then v7


def test_the_list_reads_the_new_index_in_order(tsk, v1_ledger):
    tsk("verify")
    from tsk.store.queries import list_complaints

    sql = list_complaints(" WHERE status IN ('open')", 0)
    plan = " ".join(row[3] for row in dump(v1_ledger, "EXPLAIN QUERY PLAN " + sql))
    assert "ix_complaint_list_order" in plan and "TEMP B-TREE" not in plan


def test_the_upgraded_ledger_works_on(tsk, v1_ledger):
    run = tsk("ack TS-2026-000001 --via sms --at 2026-06-01T12:00")
    assert run.exit_code == 0, run.stderr
    run = tsk(["add", "--customer", "李四", "--channel", "phone", "--category", "service", "--business-type", "card",
               "--cause", "other", "--unit", "城关支行", "--summary", "x", "--received", "2026-06-03 09:00"])
    assert run.stdout.startswith("TS-2026-000002 ")
    assert tsk("verify").stdout.startswith("ok: 2 complaint(s), 4 event(s)")
    assert len(dump(v1_ledger, "SELECT version FROM schema_migration")) == schema.CURRENT_VERSION  # once


def test_a_ledger_newer_than_this_tsk_is_refused_naming_both_versions(tsk, v1_ledger):
    newer = schema.CURRENT_VERSION + 1
    with sqlite3.connect(v1_ledger) as db:
        db.execute("INSERT INTO schema_migration VALUES (?, 'from the future', '2027-01-01T00:00:00+08:00')", (newer,))
    before = dump(v1_ledger, "SELECT name, sql FROM sqlite_master ORDER BY name")
    for command in ("list", "verify", "export"):
        run = tsk(command)
        assert run.exit_code == 1
        assert run.stdout == ""
        assert run.stderr == (f"Error: this ledger has schema version {newer}, newer than this tsk knows "
                              f"({schema.CURRENT_VERSION}): upgrade tsk\n")
    assert dump(v1_ledger, "SELECT name, sql FROM sqlite_master ORDER BY name") == before  # not touched


def test_the_version_a_current_ledger_is_opened_at_is_the_last_migration():
    from tsk.store import db

    # Opening checks db.SCHEMA_VERSION without loading the migrations: it must be the last one.
    assert db.SCHEMA_VERSION == schema.CURRENT_VERSION == schema.MIGRATIONS[-1].version


# -- v5: the audit rows chained, the audited tables their replay, imported refs tracked ---------------
def test_an_upgraded_ledgers_audit_rows_are_chained_and_its_tables_begin_the_record(tsk, v1_ledger):
    with sqlite3.connect(v1_ledger) as db:
        db.execute("INSERT INTO audit (at, actor, action, details) VALUES ('2026-06-02T09:00:00+08:00', 'officer', "
                   "'import', '{\"count\": 1, \"max_ref\": {\"2026\": 3}, \"source\": \"old.csv\"}')")
        db.execute("UPDATE ref_counter SET last = 3")
    assert tsk("verify").exit_code == 0  # TS-2026-000002 and 3: passed over by the old import, as v4 read it
    rows = dump(v1_ledger, "SELECT id, actor, action, details, prev_hash, hash FROM audit ORDER BY id")
    assert [r[2] for r in rows] == ["import", "baseline"]
    assert rows[0][4] == "" and rows[1][4] == rows[0][5] != ""
    begun = json.loads(rows[1][3])
    assert begun["gaps"] == {"2026": [[2, 3]]}
    assert {r["key"]: r["value"] for r in begun["tables"]["setting"]}["group_threshold"] == 5
    with sqlite3.connect(v1_ledger) as db:
        db.execute("UPDATE setting SET value = '6' WHERE key = 'group_threshold'")
    run = tsk("verify")
    assert run.exit_code == 1 and "setting group_threshold: differs from the audit record in value" in run.stdout
    with sqlite3.connect(v1_ledger) as db:
        db.execute("UPDATE setting SET value = '5' WHERE key = 'group_threshold'")
        db.execute("DELETE FROM event")
        db.execute("DELETE FROM complaint")  # below the old import's highest ref: exempt in v4, named now
    run = tsk("verify")
    assert run.exit_code == 1 and "TS-2026-000001: issued but missing" in run.stdout


def test_the_upgraded_audit_table_has_the_columns_of_a_new_one(tsk, v1_ledger, tmp_path):
    assert tsk("verify").exit_code == 0
    fresh = str(tmp_path / "fresh.db")
    assert tsk(["--db", fresh, "init"]).exit_code == 0
    columns = "SELECT name, type, \"notnull\" FROM pragma_table_info('audit') ORDER BY cid"
    assert dump(v1_ledger, columns) == dump(fresh, columns)


# -- v7: the 2020 national rules ------------------------------------------------------------------------
def test_v7_adds_the_national_columns_and_stops_the_clocks_of_a_paused_complaint(tsk, v1_ledger):
    assert tsk("verify").exit_code == 0
    columns = [row[1] for row in dump(v1_ledger, "SELECT * FROM pragma_table_info('complaint')")]
    assert columns[-len(schema.V7_COLUMNS):] == list(schema.V7_COLUMNS)
    indexes = dict(dump(v1_ledger, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for clock in schema.V7_CLOCK_INDEXES:  # made again: a clock stop stops them
        assert "paused_at IS NULL" in indexes[f"ix_complaint_{clock}_clock"]
    assert "paused_at" not in indexes["ix_complaint_report_clock"]  # owed to the regulator whatever
    assert indexes["ix_complaint_review_clock"] == ("CREATE INDEX ix_complaint_review_clock ON complaint "
                                                    "(reviewed_at, review_due) WHERE reviewed_at IS NULL AND "
                                                    "review_due IS NOT NULL")


def test_values_recorded_before_v7_are_classes_of_jrt_0169_unchanged(tsk, v1_ledger):
    """The business type and cause tsk offered before are classes of the full JR/T 0169-2018 lists
    under the same keys: the upgrade changes no value, the history stays intact, and the record shows
    the standard's label."""
    shown = json.loads(tsk("show TS-2026-000001 --format json").stdout)
    assert (shown["business_type"], shown["cause"]) == ("card", "service-quality")
    assert dump(v1_ledger, "SELECT business_type, cause FROM complaint") == [("card", "service-quality")]
    lines = {line.split()[0]: line.split()[-1] for line in tsk("show TS-2026-000001").stdout.splitlines() if line.strip()}
    assert (lines["业务类型"], lines["原因"]) == ("银行卡", "服务态度及服务质量")
    assert tsk("verify").stdout.startswith("ok: 1 complaint(s)")
