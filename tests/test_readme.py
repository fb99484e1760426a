"""The README's example session is what tsk prints: every command of its session blocks is
replayed on a new ledger (scripts/readme_session.py) and compared with the README, line by
line, with a diff when they differ."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_session_is_what_tsk_prints():
    result = subprocess.run([sys.executable, "scripts/readme_session.py", "--check"], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr


def test_readme_session_pins_every_date_it_prints():
    """Run on another day, the session prints the same: no command reads today's date."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import readme_session
    finally:
        sys.path.pop(0)
    import datetime as dt

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [readme_session.commands(m[1]) for m in readme_session.session_blocks(readme)]
    as_written = readme_session.replay(blocks)
    later = readme_session.CLOCK + dt.timedelta(days=400)
    original, readme_session.CLOCK = readme_session.CLOCK, later
    try:
        a_year_on = readme_session.replay(blocks)
    finally:
        readme_session.CLOCK = original
    assert [without_digest(t) for t in a_year_on] == [without_digest(t) for t in as_written]


def without_digest(text: str) -> str:
    """The digest covers when each event was recorded: the one line that follows the clock."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("ledger digest "))
