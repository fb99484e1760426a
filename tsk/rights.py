"""Who may do what on a PostgreSQL ledger: the roles and their rights, defined here only
(docs/rules.md, Roles on a shared ledger).

The roles are those of the seeds: 受理方 (intake), 处理方 (handler) and 管理方 (management) of
《花花银行某某分行零售客户投诉管理实施细则》, with its 监督决策 organisation reading everything
(supervisor); an auditor who verifies the record and may see and export customers' data; and
the nightly check. The database enforces them (`tsk.store.roles` writes the grants, row-level
security and triggers from these tables); a refusal names the right that was missing
(`tsk.access`). A SQLite ledger has no roles: its guard is the file's permissions.

A right is what one command records: the event actions it writes and the complaint columns
those events change, or the audit rows it writes. A role's rights are a list; its table
grants and policies are derived from them, so a right given to a role is a right in the
database, and nowhere else.
"""

from __future__ import annotations

from typing import NamedTuple

from tsk.messages import Message, term
from tsk.vocab import Vocab


class Right(NamedTuple):
    key: str
    says: Message  # what it lets one do, as a refusal says it: "may not extend complaints", "无权延期"
    actions: tuple[str, ...] = ()  # the complaint events it records
    columns: tuple[str, ...] = ()  # the complaint columns those events change (their UPDATE grant)
    audit: tuple[str, ...] = ()  # the audit rows it records


# Every event changes its complaint's count and head (tsk.history), whatever else it changes.
BOOKKEEPING = ("event_count", "history_head")
# A lapse recorded (tsk.overdue): by the nightly check, or by any command that writes to the
# complaint first. Its event names its clock, which tells it from a `tsk escalate`.
LAPSE_ACTIONS = ("escalated", "overdue-recorded")

RIGHTS: dict[str, Right] = {r.key: r for r in (
    Right("read", term("read the ledger", "查阅台账")),
    Right("register", term("register complaints", "登记投诉"), ("registered", "repeat-linked")),
    Right("acknowledge", term("acknowledge complaints (受理告知)", "受理告知"), ("acknowledged",), ("acked_at",)),
    Right("note", term("add notes", "添加备注"), ("noted",)),
    Right("conflict", term("declare conflicts of interest (回避)", "声明回避"), ("conflict-declared",), ("conflicts",)),
    Right("show-pii", term("see customers' personal data unmasked", "查看客户个人信息"), ("pii-shown",)),
    Right("lapses", term("record lapses", "记录逾期"), LAPSE_ACTIONS, ("level", "lapsed")),
    Right("assign", term("assign complaints", "分派处理人"), ("assigned",), ("assignee", "assignee_unit")),
    Right("notify", term("notify customers", "告知客户"), ("customer-notified",)),
    Right("escalate", term("escalate complaints", "升级投诉"), ("escalated",), ("level",)),
    Right("classify", term("classify complaints", "重新分类投诉"), ("classified",),
          ("kind", "category", "business_type", "cause", "severity", "group_size", "is_group", "emergency", "level",
           "report_due")),
    Right("close", term("close complaints", "办结投诉"), ("closed", "reviewed"),  # under review (核查), its decision
          ("status", "result", "resolution", "notified_via", "compensation_fen", "root_cause", "rectification",
           "satisfaction", "closed_at", "report_due", "reported_at", "reviewed_at", "review_result",
           "review_resolution")),
    Right("withdraw", term("record withdrawals", "记录客户撤回"), ("withdrawn",), ("status", "reason", "closed_at")),
    Right("review", term("record applications for review (核查)", "登记核查申请"), ("review-requested",),
          ("review_at", "review_due")),
    Right("remedy", term("record remedies (救济途径)", "记录后续救济"), ("remedy",), ("remedy", "remedy_at")),
    Right("follow-up", term("record follow-ups (回访)", "记录回访"), ("followed-up",),
          ("satisfaction", "followed_up_at", "follow_up_note")),
    Right("extend", term("extend complaints", "延期"), ("extended",), ("due", "extended_days")),
    Right("reject", term("reject complaints (不予受理)", "不予受理"), ("rejected",), ("status", "reason", "notified_via", "closed_at")),
    Right("reopen", term("reopen complaints (申诉)", "因申诉重办投诉"), ("reopened",),
          ("status", "reopened", "reason", "ack_due", "due", "cap_due", "acked_at", "extended_days", "closed_at",
           "result", "resolution", "notified_via", "satisfaction", "form_due", "form_at", "supervision_due",
           "supervised_at", "supervising_unit", "paused_days", "restarted_at", "review_at", "review_due",
           "reviewed_at", "review_result", "review_resolution", "followed_up_at", "follow_up_note")),
    Right("pause", term("stop and resume complaints' clocks (鉴定、检测、评估)", "暂停、恢复计时"), ("paused", "resumed"),
          ("paused_at", "paused_days", "due", "cap_due")),
    Right("restart", term("restart complaints' limits on new facts", "因新事实重新计算时限"), ("restarted",),
          ("restarted_at", "extended_days", "paused_days", "due", "cap_due")),
    Right("merge", term("merge repeat complaints", "合并重复投诉"), ("merged", "repeat-merged"),
          ("status", "merged_into", "closed_at", "restarted_at", "extended_days", "paused_days", "due", "cap_due")),
    Right("supervise", term("issue 督办表", "出具督办表"), ("supervised",), ("supervised_at", "supervising_unit", "due")),
    Right("report", term("report complaints to the regulator", "报告监管"), ("reported",), ("reported_at",)),
    Right("verify", term("verify the ledger", "核验台账")),
    Right("export-pii", term("export customers' personal data", "导出客户个人信息"), audit=("export-pii",)),
    # The ledger's owner alone: what changes the whole ledger (and every unit's deadlines).
    Right("administer", term("change the ledger's settings, calendar, policies or imports", "变更台账设置、日历、时限政策或导入")),
    Right("roles", term("manage roles", "管理角色")),
    Right("upgrade", term("create or upgrade the ledger's tables", "建立或升级台账表")),
)}
# Actions no role records: only the ledger's owner (an import's first events, deadlines a
# calendar correction moved).
OWNER_ACTIONS = ("imported", "deadlines-recomputed")
OWNER_RIGHTS = ("administer", "roles", "upgrade")


class Role(NamedTuple):
    key: str
    label: str
    rights: tuple[str, ...]
    scoped: bool  # may be limited to some units (`tsk role grant --unit`); else it sees every unit
    source: str  # where the seeds give it its part


INTAKE = ("read", "register", "acknowledge", "note", "conflict", "show-pii", "lapses", "review")
HANDLER = (*INTAKE, "assign", "notify", "escalate", "classify", "close", "withdraw", "remedy", "follow-up")
MANAGER = (*HANDLER, "extend", "reject", "reopen", "supervise", "report", "pause", "restart", "merge")

ROLES: dict[str, Role] = {r.key: r for r in (
    Role("intake", "受理方", INTAKE, True, "《花花银行某某分行零售客户投诉管理实施细则》 (受理方); 银监发〔2012〕13号 第七条"),
    Role("handler", "处理方", HANDLER, True, "《花花银行某某分行零售客户投诉管理实施细则》 (处理方)"),
    Role("manager", "管理方", MANAGER, True,
         "《花花银行某某分行零售客户投诉管理实施细则》 (管理方); 粤农信联发〔2008〕250号 第十五条, 第十八条, 第二十条"),
    Role("supervisor", "监督决策", ("read", "verify"), False, "《花花银行某某分行零售客户投诉管理实施细则》 (监督决策组织)"),
    Role("auditor", "审计", ("read", "verify", "show-pii", "export-pii"), False,
         "《金融客户服务与投诉处理规范》第六章; 《客户投诉处理机制》八"),
    Role("check", "夜间检查", ("read", "lapses"), False, "银监发〔2012〕13号 第九条; 粤农信联发〔2008〕250号 第二十四条(三)"),
)}
ROLE = Vocab("--role", tuple((r.key, r.label) for r in ROLES.values()))

# The right each command needs on a PostgreSQL ledger (a command that is not here reads):
# by its name, or its name and the option that makes it record something.
COMMAND_RIGHTS: dict[str, str] = {
    "add": "register", "ack": "acknowledge", "note": "note", "conflict": "conflict", "assign": "assign",
    "notify": "notify", "escalate": "escalate", "classify": "classify", "close": "close", "withdraw": "withdraw",
    "extend": "extend", "reject": "reject", "reopen": "reopen", "supervise": "supervise", "reported": "report",
    "check": "lapses", "verify": "verify", "review": "review", "remedy": "remedy", "follow-up": "follow-up",
    "pause": "pause", "resume": "pause", "restart": "restart", "merge": "merge",
    "list --show-pii": "show-pii", "show --show-pii": "show-pii", "notice --show-pii": "show-pii",
    "export --show-pii": "export-pii",
    "import": "administer", "config set": "administer", "calendar set": "administer", "calendar unset": "administer",
    "calendar publish": "administer", "policy add": "administer",
    "role grant": "roles", "role revoke": "roles", "role list": "roles", "init": "upgrade",
}


def right_of(command: str | None, show_pii: bool = False) -> Right:
    """The right `command` ("extend", "calendar set") needs; reading for any other."""
    key = COMMAND_RIGHTS.get(f"{command} --show-pii") if show_pii else None
    return RIGHTS[key or COMMAND_RIGHTS.get(command or "", "read")]


def holders(right: str) -> list[str]:
    """The roles that hold `right`, in the order of ROLES (none: the ledger's owner alone)."""
    return [role.key for role in ROLES.values() if right in role.rights]


def granted(role: str, what: str) -> tuple[str, ...]:
    """Everything of one kind (`actions`, `columns`, `audit`) the rights of `role` give, in order."""
    found: dict[str, None] = {}
    for key in ROLES[role].rights:
        found.update(dict.fromkeys(getattr(RIGHTS[key], what)))
    return tuple(found)


def writes(role: str) -> bool:
    return bool(granted(role, "actions"))
