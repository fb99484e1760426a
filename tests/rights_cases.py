"""One command for each right of `tsk.rights`, on a complaint made for it: what the tests of
rights run (tests/test_rights.py on SQLite, tests/test_roles.py as each role on PostgreSQL)."""

from __future__ import annotations

from typing import NamedTuple

RECEIVED = "2026-08-03 10:00"  # a Monday
ENTERED = "2026-08-04 10:00"  # when the commands are entered: every clock still running
LATER = "2026-09-30 12:00"  # when the nightly check finds the clocks lapsed
UNIT = "天河支行"
COMPLAINT = ["--customer", "张三", "--phone", "13812345678", "--channel", "phone", "--category", "service",
             "--business-type", "card", "--cause", "service-quality", "--summary", "柜员态度差", "--received", RECEIVED]


class Case(NamedTuple):
    argv: list[str]  # REF stands for the complaint's ref
    complaint: list[str] | None = []  # its options besides COMPLAINT and --unit (None: no complaint)
    before: list[list[str]] = []  # what the ledger's owner does to it first
    at: str = ENTERED  # when the command is entered
    exit_code: int = 0  # when it is done


NATIONAL = ["--policy", "national2020"]  # clock stops, merged repeats and review (核查)
CLOSE = ["close", "REF", "--result", "upheld", "--resolution", "已处理", "--notified-via", "phone"]
NEXT_DAY = "2026-08-05 10:00"

CASES: dict[str, Case] = {
    "read": Case(["list", "--status", "all"]),
    "register": Case(["add", *COMPLAINT, "--unit", UNIT], complaint=None),
    "acknowledge": Case(["ack", "REF", "--via", "sms"]),
    "note": Case(["note", "REF", "客户来电询问进度"]),
    "conflict": Case(["conflict", "REF", "李娜", "--reason", "被投诉人之配偶"]),
    "show-pii": Case(["show", "REF", "--show-pii"]),
    "lapses": Case(["check"], at=LATER, exit_code=3),
    "assign": Case(["assign", "REF", "--to", "王强"]),
    "notify": Case(["notify", "REF", "--via", "phone", "告知处理进度"]),
    "escalate": Case(["escalate", "REF", "--reason", "客户越级投诉至分行"]),
    "classify": Case(["classify", "REF", "--severity", "serious", "--group-size", "6", "--reason", "多名客户"]),
    "close": Case(["close", "REF", "--result", "partly", "--resolution", "已道歉", "--notified-via", "phone",
                   "--compensation", "20", "--root-cause", "培训不足", "--rectification", "培训", "--satisfaction", "fair"],
                  complaint=["--channel", "regulator", "--referred-by", "人民银行", "--referral-ref", "银转7号"]),
    "withdraw": Case(["withdraw", "REF", "--reason", "客户撤回投诉"]),
    "extend": Case(["extend", "REF", "--days", "5", "--reason", "需调取监控录像", "--notified-via", "sms"]),
    "reject": Case(["reject", "REF", "--reason", "不属于本行业务范围", "--notified-via", "letter"]),
    "reopen": Case(["reopen", "REF", "--reason", "客户申诉"],
                   complaint=["--policy", "gdrcc2008"],
                   before=[["close", "REF", "--result", "upheld", "--resolution", "已处理", "--notified-via", "phone"]]),
    "supervise": Case(["supervise", "REF", "--unit", "联社客户投诉受理部门"], complaint=["--policy", "gdrcc2008"]),
    "report": Case(["reported", "REF", "已书面报告银保监分局"], complaint=["--severity", "major"]),
    "review": Case(["review", "REF", "--reason", "客户不服处理决定"], complaint=NATIONAL, before=[CLOSE], at=NEXT_DAY),
    "remedy": Case(["remedy", "REF", "--route", "mediation", "--by", "广州金融消费纠纷调解中心"], complaint=NATIONAL,
                   before=[CLOSE], at=NEXT_DAY),
    "follow-up": Case(["follow-up", "REF", "--satisfaction", "fair", "--note", "客户表示理解"], before=[CLOSE],
                      at=NEXT_DAY),
    "pause": Case(["pause", "REF", "--reason", "司法鉴定中心笔迹鉴定", "--notified-via", "sms"], complaint=NATIONAL),
    "restart": Case(["restart", "REF", "--reason", "客户补充新的事实", "--notified-via", "sms"], complaint=NATIONAL),
    "merge": Case(["merge", "NEXT", "--into", "REF", "--reason", "同一事项", "--new-facts"], complaint=NATIONAL,
                  before=[["add", *COMPLAINT, "--unit", UNIT, *NATIONAL, "--received", "2026-08-03 15:00"]]),
    "verify": Case(["verify"]),
    "export-pii": Case(["export", "--show-pii"]),
    "administer": Case(["config", "set", "group_threshold", "3"], complaint=None),
    "roles": Case(["role", "list"], complaint=None),
    "upgrade": Case(["list"], complaint=None),  # run when the ledger's schema is older (tests/test_roles.py)
}


# Other ways the same rights write (tests/test_rights.py holds their columns too).
MORE: list[tuple[str, Case]] = [
    ("close", Case(["close", "REF", "--result", "partly", "--resolution", "核查后补偿", "--notified-via", "letter",
                    "--compensation", "50", "--satisfaction", "fair"], complaint=NATIONAL,
                   before=[[*CLOSE, "--at", "2026-08-03 16:00"], ["review", "REF", "--reason", "不服"]],
                   at=NEXT_DAY)),
    ("pause", Case(["resume", "REF"], complaint=NATIONAL,
                   before=[["pause", "REF", "--reason", "鉴定", "--notified-via", "sms"]], at=NEXT_DAY)),
    ("merge", Case(["merge", "NEXT", "--into", "REF", "--reason", "同一事项"], complaint=NATIONAL,
                   before=CASES["merge"].before)),
]


def argv_of(case: Case, ref: str | None) -> list[str]:
    """The case's command for the complaint `ref` (NEXT: the one registered right after it)."""
    return [ref if arg == "REF" and ref else next_ref(ref) if arg == "NEXT" and ref else arg for arg in case.argv]


def next_ref(ref: str) -> str:
    head, _, number = ref.rpartition("-")
    return f"{head}-{int(number) + 1:06d}"
