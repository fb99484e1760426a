"""The Taskwarrior reference of issue 7 (bench/run.py): the same complaints as tasks."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def taskwarrior_data(csv_path: Path, all_pending: bool) -> tuple[Path, Path]:
    """TASKDATA with one task per complaint of `csv_path`, loaded with `task import`.

    mirror: open complaints are pending tasks with the complaint's due date, closed ones
    completed, rejected/withdrawn deleted. all_pending: every complaint a pending task with
    its due date (most of them past due): Taskwarrior's worst case, all in pending.data."""
    import csv

    variant = "pending" if all_pending else "mirror"
    data = OUT / f"taskwarrior-{csv_path.stem}-{variant}"
    rc = OUT / "taskrc"
    rc.write_text("# bench/run.py: Taskwarrior defaults\nconfirmation=off\n", encoding="utf-8")
    stamp = data / ".complete"
    if stamp.exists() and stamp.stat().st_mtime > csv_path.stat().st_mtime:
        return data, rc
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)

    def utc(text: str) -> str:
        return dt.datetime.fromisoformat(text).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    json_path = data.with_suffix(".json")
    with open(csv_path, encoding="utf-8", newline="") as src, open(json_path, "w", encoding="utf-8") as dst:
        for row in csv.DictReader(src):
            due = utc(row["due"] + "T23:59:59+08:00")  # due that whole day (late the day after)
            task = {"description": f"{row['ref']} {row['summary']}", "project": "complaints." + row["category"],
                    "entry": utc(row["received_at"]), "due": due, "tags": [row["channel"], row["kind"]],
                    "priority": "H" if row["severity"] != "general" else "M", "status": "pending"}
            if not all_pending and row["status"] != "open":
                task["status"] = "completed" if row["status"] == "closed" else "deleted"
                task["end"] = utc(row["closed_at"])
            dst.write(json.dumps(task, ensure_ascii=False) + "\n")
    print(f"loading {json_path.name} into Taskwarrior (task import)", file=sys.stderr)
    env = {**os.environ, "TASKDATA": str(data), "TASKRC": str(rc)}
    subprocess.run(["task", "rc.verbose=nothing", "import", str(json_path)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stamp.touch()
    return data, rc
