"""Every SQL statement tsk runs, written once: the same text runs on sqlite3 and on
PostgreSQL through SQLAlchemy (`:name` parameters, portable SQL only)."""

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
POLICY_BY_NAME = """
SELECT definition FROM policy_definition
WHERE name = :name AND (:any_version OR version = :version)
ORDER BY version DESC LIMIT 1
"""
POLICY_NAMES = "SELECT DISTINCT name FROM policy_definition"
POLICY_DEFINITIONS = "SELECT name, version, definition, actor, recorded_at FROM policy_definition ORDER BY name, version"
POLICY_VERSION_EXISTS = "SELECT definition FROM policy_definition WHERE name = :name AND version = :version"
INSERT_POLICY = """
INSERT INTO policy_definition (name, version, definition, actor, recorded_at)
VALUES (:name, :version, :definition, :actor, :recorded_at)
"""
INSERT_AUDIT = "INSERT INTO audit (at, actor, action, details) VALUES (:at, :actor, :action, :details)"
