"""Every SQL statement tsk runs, written once: the same text runs on sqlite3 and on
PostgreSQL through SQLAlchemy (`:name` parameters, portable SQL only)."""

from tsk import clocks

# -- calendar, settings, policies, audit --------------------------------------------------
CALENDAR_CORRECTIONS = "SELECT day, workday, note FROM calendar_correction ORDER BY day"
PUBLISHED_YEARS = "SELECT year, note FROM published_year ORDER BY year"
UPSERT_CORRECTION = """
INSERT INTO calendar_correction (day, workday, note, actor, recorded_at)
VALUES (:day, :workday, :note, :actor, :recorded_at)
ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, note = excluded.note,
    actor = excluded.actor, recorded_at = excluded.recorded_at
"""
DELETE_CORRECTION = "DELETE FROM calendar_correction WHERE day = :day"
UPSERT_PUBLISHED_YEAR = """
INSERT INTO published_year (year, note, actor, recorded_at) VALUES (:year, :note, :actor, :recorded_at)
ON CONFLICT (year) DO UPDATE SET note = excluded.note, actor = excluded.actor, recorded_at = excluded.recorded_at
"""
UPSERT_SETTING = """
INSERT INTO setting (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
"""
POLICY_DEFINITIONS = "SELECT name, version, definition, actor, recorded_at FROM policy_definition ORDER BY name, version"
POLICY_VERSION_EXISTS = "SELECT definition FROM policy_definition WHERE name = :name AND version = :version"
INSERT_POLICY = """
INSERT INTO policy_definition (name, version, definition, actor, recorded_at)
VALUES (:name, :version, :definition, :actor, :recorded_at)
"""
INSERT_AUDIT = """
INSERT INTO audit (at, actor, action, details, prev_hash, hash) VALUES (:at, :actor, :action, :details, :prev_hash, :hash)
"""
# Schema upgrades: does a table have a column yet (per dialect).
HAS_COLUMN = {
    "sqlite": "SELECT 1 FROM pragma_table_info(:table) WHERE name = :column",
    "postgresql": "SELECT 1 FROM information_schema.columns WHERE table_name = :table AND column_name = :column",
}
AUDIT_HEAD = "SELECT hash FROM audit ORDER BY id DESC LIMIT 1"
AUDIT_ROWS = "SELECT id, at, actor, action, details, prev_hash, hash FROM audit ORDER BY id"
LINK_AUDIT_ROW = "UPDATE audit SET prev_hash = :prev_hash, hash = :hash WHERE id = :id"


def audited_table_rows(table: str, keys: tuple[str, ...]) -> str:
    """Every row of one of the tables the audit record accounts for (tsk.store.state.TABLES)."""
    return f"SELECT * FROM {table} ORDER BY {', '.join(keys)}"


# -- complaints -----------------------------------------------------------------------------
# The next ref's number: above the counter and above :floor, the highest ref of the year in
# the ledger, so a counter set back (a lost write, an edit) never re-issues a ref.
NEXT_REF = """
INSERT INTO ref_counter (year, last) VALUES (:year, :floor + 1)
ON CONFLICT (year) DO UPDATE SET last = CASE WHEN ref_counter.last < :floor THEN :floor ELSE ref_counter.last END + 1
RETURNING last
"""
# The year's highest ref (:lo = 'TS-2026-', :hi = 'TS-2026.'): one seek of the ref index. Read
# as text, so exact among six-digit refs; a longer one comes only from an import, which
# raises the counter past it (tsk.exchange.write), and the unique ref refuses a clash.
HIGHEST_REF = "SELECT max(ref) FROM complaint WHERE ref >= :lo AND ref < :hi"
# The same by number, for `verify`: it reads the whole year (it reads every complaint anyway).
HIGHEST_REF_BY_NUMBER = "SELECT ref FROM complaint WHERE ref >= :lo AND ref < :hi ORDER BY length(ref) DESC, ref DESC LIMIT 1"
RAISE_REF_COUNTER = """
INSERT INTO ref_counter (year, last) VALUES (:year, :last)
ON CONFLICT (year) DO UPDATE SET last = CASE WHEN ref_counter.last < excluded.last THEN excluded.last ELSE ref_counter.last END
"""
COMPLAINT_BY_REF = "SELECT * FROM complaint WHERE ref = :ref"
COMPLAINT_BY_REF_LOCKED = "SELECT * FROM complaint WHERE ref = :ref{for_update}"
COMPLAINT_BY_ID_LOCKED = "SELECT * FROM complaint WHERE id = :id{for_update}"
EVENTS_OF = "SELECT * FROM event WHERE complaint_id = :id ORDER BY seq"
INSERT_EVENT = """
INSERT INTO event (complaint_id, seq, at, recorded_at, actor, action, details, prev_hash, hash)
VALUES (:complaint_id, :seq, :at, :recorded_at, :actor, :action, :details, :prev_hash, :hash)
"""
# Repeat complaints: the same customer (phone or ID) and category, decided recently.
RECENT_DECISION = """
SELECT ref, status, closed_at FROM complaint
WHERE category = :category AND status IN ('closed', 'rejected') AND closed_at >= :since AND closed_at <= :received
  AND ((CAST(:phone AS TEXT) IS NOT NULL AND customer_phone = :phone)
       OR (CAST(:id_number AS TEXT) IS NOT NULL AND customer_id_number = :id_number))
ORDER BY closed_at DESC LIMIT 1
"""
# Complaints with a running clock that may span corrected calendar days: open ones, closed
# ones still owing the regulator a report, and reviews (核查) under way.
RUNNING_CLOCKS_SPANNING = """
SELECT * FROM complaint
WHERE status IN ('open') AND received_at < :day_end AND (cap_due >= :day OR due >= :day OR ack_due >= :day)
UNION
SELECT * FROM complaint
WHERE reported_at IS NULL AND report_due >= :day AND received_at < :day_end
UNION
SELECT * FROM complaint
WHERE reviewed_at IS NULL AND review_due >= :day AND review_at < :day_end
ORDER BY id
"""


def insert_complaint(columns: list[str], *, returning_id: bool = True) -> str:
    """One complaint row, its new id returned; or, for executemany, rows whose ids the caller gives."""
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    return f"INSERT INTO complaint ({names}) VALUES ({values})" + (" RETURNING id" if returning_id else "")


def update_complaint(columns: list[str]) -> str:
    """One UPDATE for the columns an event changes; the event count guards lost updates."""
    sets = ", ".join(f"{c} = :{c}" for c in columns)
    return f"UPDATE complaint SET {sets} WHERE id = :id AND event_count = :expected_count"
COMPLAINT_PAGE = "SELECT * FROM complaint WHERE id > :after ORDER BY id LIMIT :size"
EVENTS_FOR_IDS = "SELECT * FROM event WHERE complaint_id >= :lo AND complaint_id <= :hi ORDER BY complaint_id, seq"
ORPHAN_EVENTS = "SELECT DISTINCT complaint_id FROM event WHERE complaint_id NOT IN (SELECT id FROM complaint)"
ORPHAN_LAPSES = "SELECT * FROM lapse WHERE complaint_id NOT IN (SELECT id FROM complaint)"


def complaint_filter(*, statuses, unit, assignee, category, since, until) -> tuple[str, dict]:
    """The WHERE clause shared by `list` and `export` (and its parameters)."""
    clauses, params = [], {}
    if statuses is not None:
        names = [f":status{i}" for i in range(len(statuses))]
        clauses.append(f"status IN ({', '.join(names)})")
        params.update({f"status{i}": s for i, s in enumerate(statuses)})
    for column, value in (("unit", unit), ("assignee", assignee), ("category", category)):
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = value
    if since is not None:
        clauses.append("received_at >= :since")
        params["since"] = since
    if until is not None:
        clauses.append("received_at < :until")
        params["until"] = until
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_complaints(where: str, limit: int) -> str:
    return (f"SELECT * FROM complaint{where} ORDER BY direct DESC, due, ref"
            + (" LIMIT :limit" if limit else ""))


# Refs in the order a reader expects: by year, then number (TS-2026-999999 before
# TS-2026-1000000, which text order would put after TS-2026-100000).
REF_ORDER = "substr(ref, 1, 8), length(ref), ref"


def export_complaints(where: str) -> str:
    return f"SELECT * FROM complaint{where} ORDER BY {REF_ORDER}"


# -- reports (tsk.reports): counts over the complaints received in [:since, :until) ---------
# `expr` below is always one of tsk.reports.DIMENSIONS' whitelisted column expressions.
# SQLite groups by sorting, so the half-year report counts its vocabulary breakdowns in one
# pass of filtered counts (`report_totals`) rather than one GROUP BY per dimension, and reads
# what it counts per unit, category, customer or day once (`REPORT_PERIOD_ROWS`).
# Every report statement must range-scan ix_complaint_received for its period, ANALYZEd or
# not: a status condition is written `status || '' = …`, which no index serves, so the
# planner never reads every closed complaint through ix_complaint_resolution_clock instead.
# A repeat merged into the first complaint (status merged, 中国银保监会令2020年第3号 第十八条) is
# counted once, as the first: the reports count the complaints received in the period that
# were not merged into another (`merged_into`, a column test no index serves), and say apart
# how many were (MERGED_IN).
RECEIVED_IN = "received_at >= :since AND received_at < :until AND merged_into IS NULL"
MERGED_IN = "SELECT count(*) AS merged FROM complaint WHERE received_at >= :since AND received_at < :until AND merged_into IS NOT NULL"
# Resolved on time (按时办结), in every report: closed before its resolution clock was past
# due (on or before its due date, or by the due moment of a clock in hours; extensions included:
# `clocks.RESOLUTION_MET`), and never lapsed — once a handling clock ran past due the complaint is
# `lapsed`, whatever an extension or a backdated entry did after (docs/rules.md, Reports). A
# test of columns: no subquery of the lapse table.
RESOLVED_ON_TIME = f"status = 'closed' AND {clocks.RESOLUTION_MET} AND lapsed = 0"

def report_totals(pivots) -> str:
    """The half-year totals, plus one count per (alias, expr, parameter) of `pivots`: the
    complaints whose `expr` equals the value bound to :parameter. `COUNT(*) FILTER (WHERE …)`
    (SQLite 3.30+, PostgreSQL) steps an aggregate only for the rows that match: about half
    the cost of `SUM(CASE WHEN … THEN 1 ELSE 0 END)` over a period of 200k complaints."""
    extra = "".join(f",\n  COUNT(*) FILTER (WHERE {expr} = :{param}) AS {alias}" for alias, expr, param in pivots)
    return f"""
SELECT COUNT(*) AS received,
  COUNT(*) FILTER (WHERE status = 'rejected') AS rejected,
  COUNT(*) FILTER (WHERE status = 'withdrawn') AS withdrawn,
  COUNT(*) FILTER (WHERE status = 'closed') AS resolved,
  COUNT(*) FILTER (WHERE {RESOLVED_ON_TIME}) AS resolved_on_time,
  COUNT(*) FILTER (WHERE status = 'open') AS open_now,
  COUNT(*) FILTER (WHERE {clocks.RESOLUTION_PAST_DUE_AS_OF}) AS overdue_open,
  COUNT(*) FILTER (WHERE extended_days > 0) AS extended,
  COUNT(*) FILTER (WHERE is_group = 1) AS group_count,
  COUNT(*) FILTER (WHERE channel = 'regulator' OR referred_by IS NOT NULL) AS referred,
  COUNT(*) FILTER (WHERE lapsed = 1) AS lapsed{extra}
FROM complaint WHERE {RECEIVED_IN}
"""


# Per unit and category: complaints, distinct customers (ID number, else phone, else name),
# compensation; per (receipt date, closing date) the closed complaints; the causes and
# rectifications of the closed ones. One pass in receipt order, so the hot-spot windows are
# checked as the rows arrive (tsk.reports.PeriodRows). Fewer, wider columns cost less to
# fetch: `cell` is category TAB unit (a category, a vocabulary key, holds no tab); `days` is
# the receipt date, followed by the closing date when closed. A customer is known by ID
# number, else 'tel:' phone, else 'name:' name; an ID number (17 digits and a digit or X)
# needs no prefix to stay apart from the others, and most customers have one.
CUSTOMER_KEY = "COALESCE(customer_id_number, 'tel:' || customer_phone, 'name:' || customer_name)"
REPORT_PERIOD_ROWS = f"""
SELECT category || '\t' || unit AS cell, {CUSTOMER_KEY} AS customer,
  substr(received_at, 1, 10) || CASE WHEN status = 'closed' THEN substr(closed_at, 1, 10) ELSE '' END AS days,
  compensation_fen,
  CASE WHEN status = 'closed' AND (root_cause IS NOT NULL OR rectification IS NOT NULL) THEN ref END AS cause_ref,
  root_cause, rectification
FROM complaint WHERE {RECEIVED_IN}
ORDER BY received_at
"""


def report_breakdown(expr: str) -> str:
    """Complaints received in the period per value of one dimension."""
    return f"SELECT {expr} AS key, COUNT(*) AS n FROM complaint WHERE {RECEIVED_IN} GROUP BY {expr}"


def report_resolution_pairs(expr: str | None = None) -> str:
    """Closed complaints counted per (receipt date, closing date) [and dimension]: working days
    are computed once per distinct pair in Python, never once per complaint."""
    key = f"{expr} AS key, " if expr else ""
    group = f"{expr}, " if expr else ""
    return (f"SELECT {key}substr(received_at, 1, 10) AS received_day, substr(closed_at, 1, 10) AS closed_day, "
            f"COUNT(*) AS n FROM complaint WHERE {RECEIVED_IN} AND status || '' = 'closed' "
            f"GROUP BY {group}substr(received_at, 1, 10), substr(closed_at, 1, 10)")


def report_stats(expr: str) -> str:
    """Counts and timeliness per value of one dimension (performance assessment, 银监发〔2012〕13号 第十二条)."""
    return f"""
SELECT {expr} AS key, COUNT(*) AS received,
  SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) AS resolved,
  SUM(CASE WHEN {RESOLVED_ON_TIME} THEN 1 ELSE 0 END) AS resolved_on_time,
  SUM(CASE WHEN {clocks.RESOLUTION_PAST_DUE_AS_OF} THEN 1 ELSE 0 END) AS overdue
FROM complaint WHERE {RECEIVED_IN} GROUP BY {expr}
"""


# The late entries (补录), a row each without an extension, and the extensions of the period's
# complaints, with when each was recorded and what it says (its previous due date): events are
# read for the complaints ever extended only (an appeal resets `extended_days`: a reopened one too).
# The lapses recorded (tsk check, or the first write after a due: `tsk.overdue`) of the period's
# complaints, per clock: a 处理表 or an acknowledgement late is there too, not only `lapsed`.
REPORT_LAPSES = ("SELECT l.clock, COUNT(*) AS n FROM complaint c JOIN lapse l ON l.complaint_id = c.id "
                 "WHERE c.received_at >= :since AND c.received_at < :until AND c.merged_into IS NULL GROUP BY l.clock")
REPORT_LATE = f"""
SELECT unit, NULL AS recorded_at, NULL AS details FROM complaint WHERE {RECEIVED_IN} AND late_entry = 1
UNION ALL
SELECT c.unit, e.recorded_at, e.details FROM complaint c JOIN event e ON e.complaint_id = c.id
WHERE c.received_at >= :since AND c.received_at < :until AND c.merged_into IS NULL
  AND (c.extended_days > 0 OR c.reopened > 0)
  AND e.action = 'extended'
"""


def report_trend(expr: str | None) -> str:
    """Complaints received per month [and dimension]."""
    key = f", {expr} AS key" if expr else ""
    group = f", {expr}" if expr else ""
    return (f"SELECT substr(received_at, 1, 7) AS month{key}, COUNT(*) AS n FROM complaint "
            f"WHERE {RECEIVED_IN} GROUP BY substr(received_at, 1, 7){group}")


# -- overdue clocks and the nightly check (tsk.overdue) -------------------------------------
# One seekable SELECT per running clock (tsk.clocks), each on its own partial index (tsk.store.models),
# in one UNION ALL. `:before` is the bound of `clocks.past_sql`, exclusive: past due as of a
# moment M is `< M` but for the date of M's day; due within a horizon H is `< H + 1 day`. Each is
# one range of the index, `due <>` a filter on it. Keep `status IN (...)`, never `<>`: an
# inequality cannot seek.
CLOCK_COLUMNS = ("id, ref, status, level, severity, unit, assignee, assignee_unit, direct, is_group, emergency, channel, "
                 "referred_by, repeat_of, extended_days, reopened, late_entry, customer_name, paused_at, review_due, "
                 "reviewed_at")


def clock_select(clock: str) -> str:
    """The complaints whose `clock` is past due as of :before (`clocks.past_sql`)."""
    return (f"SELECT '{clock}' AS clock, {clocks.BY_NAME[clock].column} AS clock_due, {CLOCK_COLUMNS} FROM complaint "
            f"WHERE {clocks.BY_NAME[clock].due_before()}")


def running_clocks() -> str:
    """Every running clock past due as of :before, in due order: each branch reads its index
    in that order, so SQLite merges the four (MERGE (UNION ALL)) instead of sorting them all,
    and `tsk overdue` can write its rows as they come."""
    return "\nUNION ALL\n".join(clock_select(clock.name) for clock in clocks.CLOCKS) + "\nORDER BY clock_due"


COUNT_OPEN = "SELECT count(*) FROM complaint WHERE status IN ('open')"
# Decided complaints with a running clock: a report owed to the regulator, or a review (核查) under way.
COUNT_AWAITING_REPORT = f"""
SELECT count(*) FROM complaint
WHERE (({clocks.BY_NAME["report"].running_sql}) OR ({clocks.BY_NAME["review"].running_sql}))
  AND status IN ('closed', 'rejected', 'withdrawn', 'merged')
"""
# No ON CONFLICT: a lapse recorded twice fails its batch (and rolls back the escalation).
INSERT_LAPSE = "INSERT INTO lapse (complaint_id, clock, due, detected_at) VALUES (:complaint_id, :clock, :due, :detected_at)"

# -- export and import ------------------------------------------------------------------------
def count_complaints(where: str) -> str:
    return f"SELECT count(*) FROM complaint{where}"


ANY_COMPLAINT = "SELECT id FROM complaint LIMIT 1"
MAX_COMPLAINT_ID = "SELECT max(id) FROM complaint"
# PostgreSQL: an import assigns complaint ids itself, so no `add` may take one meanwhile,
# and the id sequence is moved past the imported ones afterwards.
LOCK_COMPLAINTS_FOR_IMPORT = "LOCK TABLE complaint IN SHARE ROW EXCLUSIVE MODE"
SYNC_COMPLAINT_ID_SEQUENCE = "SELECT setval(pg_get_serial_sequence('complaint', 'id'), (SELECT max(id) FROM complaint))"


def refs_in(n: int) -> str:
    return f"SELECT ref FROM complaint WHERE ref IN ({', '.join(f':r{i}' for i in range(n))})"


# SQLite: the indexes a large import into an empty ledger drops and builds again at its end
# (not those of UNIQUE constraints, which have no SQL of their own).
SQLITE_SECONDARY_INDEXES = """
SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND tbl_name IN ('complaint', 'event') AND sql IS NOT NULL ORDER BY name
"""


def drop_index(name: str) -> str:
    return f'DROP INDEX "{name}"'

# -- verify: every ref issued is there, and none the ledger never issued ---------------------
REF_COUNTERS = "SELECT year, last FROM ref_counter ORDER BY year"
REF_YEARS = "SELECT DISTINCT substr(ref, 4, 4) AS year FROM complaint"
# A year's refs: :lo = 'TS-2026-', :hi = 'TS-2026.' (as HIGHEST_REF).
REFS_OF_YEAR = "SELECT ref FROM complaint WHERE ref >= :lo AND ref < :hi"
COUNT_REFS_OF_YEAR = "SELECT count(*) FROM complaint WHERE ref >= :lo AND ref < :hi"
# Schema v6: the complaints whose resolution or cap clock lapsed before are marked (tsk.store.schema).
MARK_LAPSED_FROM_LAPSES = ("UPDATE complaint SET lapsed = 1 WHERE id IN (SELECT complaint_id FROM lapse WHERE clock IN "
                           f"({', '.join(repr(c) for c in clocks.HANDLING)}))")
LAPSES_FOR_IDS = "SELECT * FROM lapse WHERE complaint_id >= :lo AND complaint_id <= :hi"


# -- the nightly check, one range of complaint ids per transaction (tsk.overdue.check) -------
def clock_ids() -> str:
    """The complaint id of every clock running past due before :before, in id order (one per
    clock): read from the four clock indexes alone, which hold the id, to cut the ranges.
    `ORDER BY id + 0`: by plain `id`, SQLite with ANALYZE statistics reads the whole table in
    id order for the open-status branches rather than sort (2 s instead of 0.1 s at 1M)."""
    branches = "\nUNION ALL\n".join(f"SELECT id FROM complaint WHERE {clock.due_before()}" for clock in clocks.CLOCKS)
    return f"SELECT id FROM ({branches}) AS clock_id ORDER BY id + 0"


def lapsed_in_range(for_update: str) -> str:
    """The complaints in (:after, :upto] with a clock running past due before :before, with
    what a lapse needs: `lapse_<clock>` is the clock's due date, or NULL when it is not running
    past due (`Clock.due_before`, each once). It seeks the primary key: inside CASE the clock
    indexes go unused (each would be read whole for every range)."""
    dues = ", ".join(f"CASE WHEN {clock.due_before()} THEN {clock.column} END AS lapse_{clock.name}"
                     for clock in clocks.CLOCKS)
    running = " ".join(f"WHEN {clock.due_before()} THEN 1" for clock in clocks.CLOCKS)
    return (f"SELECT id, ref, level, lapsed, event_count, history_head, {dues} FROM complaint "
            f"WHERE id > :after AND id <= :upto AND CASE {running} ELSE 0 END = 1 ORDER BY id{for_update}")


LAPSES_IN_RANGE = "SELECT complaint_id, clock, due FROM lapse WHERE complaint_id > :after AND complaint_id <= :upto"
# A complaint's recorded lapses, read by a command that writes to it while a clock runs past due.
LAPSES_OF = "SELECT clock, due FROM lapse WHERE complaint_id = :id"


# -- import into SQLite: bulk inserts bound by position, "" for null -------------------------
def insert_imported_complaints(columns) -> str:
    """INSERT for executemany of (id, *columns, history_head); binding None is slow in sqlite3, so a
    null comes as "" (never a stored value: text is stripped and empty means null)."""
    values = ", ".join("NULLIF(?, '')" for _ in columns)
    return f"INSERT INTO complaint (id, {', '.join(columns)}, event_count, history_head) VALUES (?, {values}, 1, ?)"


INSERT_IMPORTED_EVENTS = """
INSERT INTO event (complaint_id, seq, at, recorded_at, actor, action, details, prev_hash, hash)
VALUES (?, 1, ?, ?, ?, 'imported', ?, '', ?)
"""
# After a large import: fresh statistics for the planner (SQLite and PostgreSQL alike).
ANALYZE_COMPLAINTS = "ANALYZE complaint"
