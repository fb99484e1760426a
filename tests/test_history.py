"""The history (docs/rules.md, Data care; `tsk verify`): every change is an event with its time,
recorded time, actor, action and details; the stored record is the replay of its events;
and any edit of the SQLite file behind tsk's back is found and named."""

from __future__ import annotations

import json
import sqlite3

import pytest
from helpers import Live, ok

from tsk import history, integrity, records
from tsk.context import Ledger


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)

BASE = ["--customer", "张三", "--channel", "phone", "--category", "service",
        "--business-type", "card", "--cause", "service-quality", "--unit", "城关支行", "--summary", "柜员态度差",
        "--subject-staff", "李四"]


def add(tsk, received: str = "2026-08-03 10:00", *extra: str) -> str:
    phone = f"1381234{int(received[5:7]) * 100 + int(received[8:10]):04d}"  # one customer per day
    run = tsk(["add", *BASE, "--phone", phone, "--received", received, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)["ref"]


def show(tsk, ref: str) -> dict:
    return json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)


def busy_ledger(tsk) -> list[str]:
    """Three complaints through most of the lifecycle, by several actors."""
    a = add(tsk)
    ok(tsk, ["--as", "张敏", "ack", a, "--via", "sms", "--at", "2026-08-03 11:00"])
    ok(tsk, ["--as", "张敏", "assign", a, "--to", "王五", "--unit", "个人金融部", "--at", "2026-08-03 12:00"])
    ok(tsk, ["note", a, "已调取录像", "--at", "2026-08-04 09:00"])
    ok(tsk, ["extend", a, "--days", "5", "--reason", "需调查", "--notified-via", "letter", "--at", "2026-08-05 09:00"])
    ok(tsk, ["close", a, "--result", "partly", "--resolution", "致歉", "--notified-via", "phone",
             "--compensation", "50", "--at", "2026-08-20 10:00"])
    b = add(tsk, "2026-08-04 10:00")
    ok(tsk, ["escalate", b, "--reason", "客户情绪激动", "--at", "2026-08-04 11:00"])
    ok(tsk, ["reject", b, "--reason", "无事实依据", "--notified-via", "letter", "--at", "2026-08-05 11:00"])
    ok(tsk, ["reopen", b, "--reason", "申诉", "--at", "2026-08-06 11:00"])
    c = add(tsk, "2026-08-05 10:00")
    ok(tsk, ["conflict", c, "赵六", "--reason", "亲属"])
    ok(tsk, ["withdraw", c, "--reason", "客户撤回"])
    return [a, b, c]


def verify_fails(tsk) -> tuple[str, str]:
    run = tsk("verify")
    assert run.exit_code == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stdout + run.stderr
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("Error:"), run.stderr
    return run.stdout, errors[0]


def db(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def event_id(conn, ref: str, seq: int) -> int:
    return conn.execute("SELECT e.id FROM event e JOIN complaint c ON c.id = e.complaint_id WHERE c.ref = ? AND e.seq = ?",
                        (ref, seq)).fetchone()[0]


# -- every change is an event ----------------------------------------------------------------------
def test_every_change_is_an_event(tsk):
    a, b, c = busy_ledger(tsk)
    events = show(tsk, a)["events"]
    assert [e["action"] for e in events] == ["registered", "acknowledged", "assigned", "noted", "extended", "closed"]
    for e in events:
        assert set(e) >= {"at", "recorded_at", "actor", "action", "details"}
        assert e["at"].endswith("+08:00") and e["recorded_at"].endswith("+08:00")
    assert [e["actor"] for e in events] == ["officer", "张敏", "张敏", "officer", "officer", "officer"]
    assert [e["at"][:16] for e in events] == ["2026-08-03T10:00", "2026-08-03T11:00", "2026-08-03T12:00",
                                              "2026-08-04T09:00", "2026-08-05T09:00", "2026-08-20T10:00"]
    assert events[2]["details"]["changes"] == {"assignee": "王五", "assignee_unit": "个人金融部"}
    assert [e["action"] for e in show(tsk, b)["events"]] == ["registered", "escalated", "rejected", "reopened"]
    assert [e["action"] for e in show(tsk, c)["events"]] == ["registered", "conflict-declared", "withdrawn"]


def test_refused_changes_leave_no_event(tsk):
    ref = add(tsk)
    assert tsk(["assign", ref, "--to", "李四"]).exit_code == 1
    assert tsk(["extend", ref, "--days", "99", "--reason", "r", "--notified-via", "sms"]).exit_code == 1
    assert tsk(["reopen", ref, "--reason", "r"]).exit_code == 1
    assert [e["action"] for e in show(tsk, ref)["events"]] == ["registered"]


def test_record_is_the_replay_of_its_events(ledger_path, tsk):
    refs = busy_ledger(tsk)
    ledger = Ledger.open(ledger_path, "officer")
    try:
        for ref in refs:
            complaint = records.load(ledger, ref)
            events = ledger.store.rows("SELECT * FROM event WHERE complaint_id = :id ORDER BY seq", {"id": complaint["id"]})
            state: dict = {}
            for e in events:
                state.update(json.loads(e["details"]).get("changes", {}))
            assert {k: v for k, v in complaint.items() if k not in history.BOOKKEEPING} == state
            assert complaint["event_count"] == len(events)
            assert complaint["history_head"] == events[-1]["hash"]
    finally:
        ledger.close()


def test_verify_passes_on_a_normal_ledger(tsk):
    busy_ledger(tsk)
    ok(tsk, ["list", "--show-pii"])
    ok(tsk, ["calendar", "set", "2026-08-10", "--holiday", "--note", "test"])
    run = ok(tsk, ["verify"])
    assert run.stdout.startswith("ok: 3 complaint(s)")
    assert run.stderr == ""


def test_verify_on_an_empty_ledger(tsk):
    run = ok(tsk, ["verify"])
    assert "ok: 0 complaint(s), 0 event(s)" in run.stdout


def test_library_verify(ledger_path, tsk):
    busy_ledger(tsk)
    ledger = Ledger.open(ledger_path, "officer")
    try:
        report = integrity.verify(ledger)
        assert report.problems == []
        assert report.complaints == 3 and report.events == 13
    finally:
        ledger.close()


# -- tampering ------------------------------------------------------------------------------------------
def test_edited_event_details_are_named(tsk, ledger_path):
    a, b, c = busy_ledger(tsk)
    with db(ledger_path) as conn:
        eid = event_id(conn, a, 4)
        details = json.loads(conn.execute("SELECT details FROM event WHERE id = ?", (eid,)).fetchone()[0])
        details["text"] = "未调取录像"
        conn.execute("UPDATE event SET details = ? WHERE id = ?", (json.dumps(details, ensure_ascii=False), eid))
    out, error = verify_fails(tsk)
    assert f"{a} event 4" in out and "altered" in out
    assert a in error and "event 4" in error
    assert b not in out and c not in out


@pytest.mark.parametrize("column, value", [("at", "2026-08-03T09:00:00+08:00"), ("actor", "nobody"),
                                           ("action", "noted"), ("recorded_at", "2026-08-03T09:00:00+08:00")])
def test_edited_event_columns_are_named(tsk, ledger_path, column, value):
    a, _, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        conn.execute(f"UPDATE event SET {column} = ? WHERE id = ?", (value, event_id(conn, a, 2)))
    out, error = verify_fails(tsk)
    assert f"{a} event 2" in out and f"{a} event 2" in error


def test_edited_change_in_an_event_is_named(tsk, ledger_path):
    """Rewriting what an event changed (and the record to match) still breaks its hash."""
    a, _, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        eid = event_id(conn, a, 6)
        details = json.loads(conn.execute("SELECT details FROM event WHERE id = ?", (eid,)).fetchone()[0])
        details["changes"]["compensation_fen"] = 500000
        conn.execute("UPDATE event SET details = ? WHERE id = ?", (json.dumps(details), eid))
        conn.execute("UPDATE complaint SET compensation_fen = 500000 WHERE ref = ?", (a,))
    out, error = verify_fails(tsk)
    assert f"{a} event 6" in out and "altered" in out


def test_deleted_last_event_is_detected(tsk, ledger_path):
    a, _, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        conn.execute("DELETE FROM event WHERE id = ?", (event_id(conn, a, 6),))
    out, error = verify_fails(tsk)
    assert a in out and "deleted" in out
    assert a in error


def test_deleted_last_event_without_changes_is_detected(tsk, ledger_path):
    ref = add(tsk)
    ok(tsk, ["note", ref, "x"])
    with db(ledger_path) as conn:
        conn.execute("DELETE FROM event WHERE id = ?", (event_id(conn, ref, 2),))
    out, _ = verify_fails(tsk)
    assert f"{ref}: history has 1 event(s), the record expects 2" in out


def test_deleted_middle_event_is_detected(tsk, ledger_path):
    a, _, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        conn.execute("DELETE FROM event WHERE id = ?", (event_id(conn, a, 3),))
    out, error = verify_fails(tsk)
    assert f"{a}: event 3 is missing" in out
    assert a in error


def test_renumbered_events_after_a_deletion_are_detected(tsk, ledger_path):
    a, _, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        conn.execute("DELETE FROM event WHERE id = ?", (event_id(conn, a, 3),))
        for seq in (4, 5, 6):
            conn.execute("UPDATE event SET seq = ? WHERE id = ?", (seq - 1, event_id(conn, a, seq)))
        conn.execute("UPDATE complaint SET event_count = 5 WHERE ref = ?", (a,))
    out, _ = verify_fails(tsk)
    assert f"{a} event" in out


def test_added_event_is_detected(tsk, ledger_path):
    a, _, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        row = conn.execute("SELECT complaint_id, prev_hash, hash FROM event WHERE id = ?", (event_id(conn, a, 6),)).fetchone()
        conn.execute("INSERT INTO event (complaint_id, seq, at, recorded_at, actor, action, details, prev_hash, hash) "
                     "VALUES (?, 7, '2026-08-21T10:00:00+08:00', '2026-08-21T10:00:00+08:00', 'x', 'noted', '{}', ?, ?)",
                     (row[0], row[2], "0" * 64))
    out, _ = verify_fails(tsk)
    assert f"{a} event 7" in out


@pytest.mark.parametrize("column, value", [("status", "open"), ("due", "2026-12-31"), ("compensation_fen", 0),
                                           ("assignee", "李四"), ("customer_phone", "13900000000"),
                                           ("level", 3)])
def test_edited_complaint_column_is_named(tsk, ledger_path, column, value):
    a, b, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        conn.execute(f"UPDATE complaint SET {column} = ? WHERE ref = ?", (value, a))
    out, error = verify_fails(tsk)
    assert f"{a}: stored record differs from its history in {column}" in out
    assert column in error and a in error
    assert b not in out


def test_several_problems_are_all_listed(tsk, ledger_path):
    a, b, c = busy_ledger(tsk)
    with db(ledger_path) as conn:
        conn.execute("UPDATE complaint SET due = '2027-01-01' WHERE ref = ?", (b,))
        conn.execute("UPDATE event SET actor = 'x' WHERE id = ?", (event_id(conn, c, 1),))
    out, error = verify_fails(tsk)
    assert b in out and c in out and "2 problem(s)" in error


def test_orphan_events_are_detected(tsk, ledger_path):
    a, _, _ = busy_ledger(tsk)
    with db(ledger_path) as conn:
        conn.execute("DELETE FROM complaint WHERE ref = ?", (a,))
    out, _ = verify_fails(tsk)
    assert "deleted complaint" in out


def test_deleted_complaint_with_its_history_is_detected(tsk, ledger_path):
    a, b, c = busy_ledger(tsk)
    with db(ledger_path) as conn:
        cid = conn.execute("SELECT id FROM complaint WHERE ref = ?", (b,)).fetchone()[0]
        conn.execute("DELETE FROM event WHERE complaint_id = ?", (cid,))
        conn.execute("DELETE FROM complaint WHERE id = ?", (cid,))
    out, _ = verify_fails(tsk)
    assert b in out


# -- the library: the event record, one at a time and many at once -----------------------------------
AWKWARD = '客户"情绪"激动\\\n😀'
ACTORS = ["officer", '值班 "夜间"\t', "marks \ue000ref\ue001 in a name"]


def test_the_chain_link_is_the_one_every_stored_ledger_holds():
    """The canonical form is a format: this hash was computed by tsk before tsk.history existed."""
    details = history.canonical({"reason": AWKWARD, "changes": {"level": 2}, "was": {"level": 1}})
    assert details == '{"changes":{"level":2},"reason":"客户\\"情绪\\"激动\\\\\\n😀","was":{"level":1}}'
    event = {"seq": 4, "at": "2026-11-24T09:30:00+08:00", "recorded_at": "2026-11-24T09:31:00+08:00",
             "actor": '值班 "夜间"\t', "action": "escalated", "details": details}
    assert history.event_hash("ab" * 32, "TS-2026-000001", event) == \
        "9b285dbc435883a8d1d2585a4d9a475c520615bc5051d2dfc9730507da564ebc"


def test_a_template_filled_is_canonical_of_the_value_filled():
    template = history.Template({"a": "x" + history.hole("h") + "y", "n": {"deep": history.hole("k")}, "z": 1},
                                fields=("f", "g"))
    filled = template.fill({"h": "plain", "k": "TS-2026-000001", "f": history.canonical(AWKWARD), "g": "7"})
    assert filled == history.canonical({"a": "xplainy", "n": {"deep": "TS-2026-000001"}, "z": 1, "f": AWKWARD, "g": 7})
    assert history.plain(["TS-2026-000001", "0f" * 32, "城关支行"]) and not history.plain(["ok", 'a"b'])
    with pytest.raises(ValueError):
        history.Template({"a": history.hole("h") + history.hole("h")})


@pytest.mark.parametrize("actor", ACTORS)
def test_a_batch_appends_exactly_the_events_append_event_would(actor):
    """Fast (templates) or not (marks in the actor's name), the bytes are the plain form's."""
    batch = history.Batch(actor)
    c = {"id": 7, "ref": "TS-2026-000001", "level": 1, "direct": 0, "event_count": 3, "history_head": "ab" * 32}
    info = {"clock": "ack", "reason": AWKWARD, "working_days_late": 4, "note": None}
    steps = [("escalated", {"level": 2}, info, "lapse"), ("escalated", {"level": 3}, info, "lapse"),
             ("overdue-recorded", None, info, "top"), ("overdue-recorded", None, info, "top"),
             ("marked", {"direct": True}, {}, "same key"), ("marked", {"direct": 1}, {}, "same key"),
             ("noted", None, {"items": ["a", AWKWARD]}, None)]
    for action, changes, info, key in steps:
        before = dict(c)
        event = batch.append(c, action, changes, info, key=key)
        assert event["details"] == history.canonical(history.event_details(before, changes or {}, info))
        assert event["hash"] == history.event_hash(before["history_head"], "TS-2026-000001", event)
        assert (event["seq"], event["prev_hash"], event["actor"]) == (before["event_count"] + 1, before["history_head"], actor)
        assert c["event_count"] == event["seq"] and c["history_head"] == event["hash"]
    assert c["level"] == 3 and c["direct"] == 1 and len(batch.events) == len(steps)
    odd = {"id": 8, "ref": 'TS-"odd"\\', "level": 1, "event_count": 1, "history_head": ""}
    event = batch.append(odd, "escalated", {"level": 2}, info, key="lapse")
    assert event["hash"] == history.event_hash("", 'TS-"odd"\\', event)
    assert (batch._payloads["escalated"] is None) == ("\ue000" in actor)  # templates unless the name holds marks


@pytest.mark.parametrize("actor", ACTORS)
def test_a_batch_of_first_events_is_the_plain_form_even_for_a_ref_that_is_not_plain(actor):
    batch = history.Batch(actor)
    details = {"baseline": history.hole("digest"), "source": AWKWARD}
    for refs in (["TS-2026-000001", "TS-2026-000002"], ["TS-2026-000003", 'TS-"odd"']):
        digests = [f"{i:064x}" for i in range(len(refs))]
        texts, hashes = batch.firsts("imported", details, refs, {"digest": digests})
        for ref, digest, text, link in zip(refs, digests, texts, hashes):
            assert text == history.canonical({"baseline": digest, "source": AWKWARD})
            event = {"seq": 1, "at": batch.now, "recorded_at": batch.now, "actor": actor, "action": "imported",
                     "details": text}
            assert link == history.event_hash("", ref, event)
    assert batch.firsts("imported", details, [], {"digest": []}) == ([], [])
    assert (list(batch._firsts.values()) == [None]) == ("\ue000" in actor)  # templates unless the name holds marks


def test_show_lists_the_history_in_the_order_things_happened(tsk):
    """A phone call of 2 October entered after the 4 October acknowledgement stands before it;
    `seq` keeps the chain's order (issue: a note dated later stood before events of earlier days)."""
    ref = add(tsk, "2026-09-29 16:40")
    ok(tsk, ["ack", ref, "--via", "sms", "--at", "2026-10-04 09:00"])
    ok(tsk, ["note", ref, "客户来电询问进度", "--at", "2026-10-02 16:59"])
    shown = json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)
    told = [(e["action"], e["at"][:16]) for e in shown["events"] if "by" not in e["details"]]  # lapses aside
    assert told == [("registered", "2026-09-29T16:40"), ("noted", "2026-10-02T16:59"), ("acknowledged", "2026-10-04T09:00")]
    seq = {e["action"]: e["seq"] for e in shown["events"]}
    assert seq["noted"] > seq["acknowledged"]  # entered after it: the chain keeps the order of entry
    table = ok(tsk, ["show", ref]).stdout
    assert table.index("2026-10-02 16:59") < table.index("2026-10-04 09:00")


def test_show_tells_the_history_in_chinese_as_the_forms_do(tsk):
    """One describer for `show` and the forms: no English keys (`result → partly`) in a table."""
    ref = add(tsk, "2026-09-29 16:40")
    ok(tsk, ["ack", ref, "--via", "sms", "--at", "2026-09-30 09:10"])
    ok(tsk, ["extend", ref, "--days", "5", "--reason", "需调取监控录像", "--notified-via", "sms", "--at", "2026-10-20 10:00"])
    ok(tsk, ["close", ref, "--result", "partly", "--resolution", "致歉", "--notified-via", "phone", "--compensation", "50",
             "--at", "2026-10-29 11:00"])
    table = " ".join(ok(tsk, ["show", ref]).stdout.split())
    assert "受理告知 经短信告知客户受理、处理时限及联系方式" in table
    assert "延期 延期 5 个工作日，处理时限 2026-10-26 → 2026-11-02；原因：需调取监控录像；已经短信告知客户" in table
    assert "办结 部分支持；致歉；补偿 50.00 元；已经电话告知客户处理结果" in table
    assert "→ partly" not in table and "notified_via" not in table
