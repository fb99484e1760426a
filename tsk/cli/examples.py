"""One example for each command, shown at the end of its `--help` (`tsk.cli.command_module`
adds it). tests/test_cli.py holds this table to the commands the app registers, and each
example to its own command's options."""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    "init": "tsk --db ~/台账/2026.db init",
    "add": "tsk add --customer 张伟 --phone 13812345678 --channel 电话 --category 服务类 --business-type 银行卡 "
           "--cause 服务态度及服务质量 --unit 天河支行 --summary '挂失时被要求重复排队' --received '2026/9/29 16:40'",
    "list": "tsk list --status open --unit 天河支行 --format csv",
    "show": "tsk show TS-2026-000001 --form supervision --format html > 督办表.html",
    "ack": "tsk ack TS-2026-000001 --via sms --at '2026-09-30 09:10'",
    "assign": "tsk assign TS-2026-000001 --to 王强 --unit 天河支行",
    "conflict": "tsk conflict TS-2026-000001 李娜 --reason '被投诉人之配偶'",
    "escalate": "tsk escalate TS-2026-000001 --reason '客户越级投诉至分行'",
    "classify": "tsk classify TS-2026-000001 --severity 重大 --reason '涉及多名客户资金损失'",
    "extend": "tsk extend TS-2026-000001 --days 5 --reason '需调取监控录像' --notified-via sms",
    "supervise": "tsk supervise TS-2026-000001 --unit 联社客户投诉受理部门",
    "note": "tsk note TS-2026-000001 '客户来电询问进度' --at '2026-10-09 15:20'",
    "notify": "tsk notify TS-2026-000001 --via phone '告知处理进度'",
    "reported": "tsk reported TS-2026-000001 '已书面报告银保监分局'",
    "close": "tsk close TS-2026-000001 --result partly --resolution '已道歉并优化排队流程' --notified-via phone",
    "reject": "tsk reject TS-2026-000001 --reason '不属于本行业务范围' --notified-via letter",
    "withdraw": "tsk withdraw TS-2026-000001 --reason '客户撤回投诉'",
    "reopen": "tsk reopen TS-2026-000001 --reason '客户申诉'",
    "verify": "tsk verify",
    "pause": "tsk pause TS-2026-000001 --reason '委托司法鉴定中心鉴定签名笔迹' --notified-via sms",
    "resume": "tsk resume TS-2026-000001 --at '2026-10-12 09:00'",
    "restart": "tsk restart TS-2026-000001 --reason '客户补充提交转账记录' --at '2026-10-09 14:00' --notified-via phone",
    "merge": "tsk merge TS-2026-000007 --into TS-2026-000001 --reason '同一客户就同一事项再次投诉'",
    "review": "tsk review TS-2026-000001 --reason '客户书面申请核查：对补偿金额有异议'",
    "remedy": "tsk remedy TS-2026-000001 --route 调解 --by 广东银行业保险业消费者权益保护促进会",
    "follow-up": "tsk follow-up TS-2026-000001 --satisfaction 满意 --note '客户表示认可处理结果'",
    "notice": "tsk notice TS-2026-000001 decision --format html > 处理决定告知书.html",
    "overdue": "tsk overdue --within 3 --fail",
    "check": "tsk check   # nightly from cron; exit 3 when anything is overdue",
    "export": "tsk export --excel -o 台账.csv",
    "import": "tsk import 台账.csv --dry-run",
    "report half-year": "tsk report half-year 2026H2 --format md",
    "report year": "tsk report year 2026 --format md",
    "report stats": "tsk report stats --since 2026-07-01 --until 2026-09-30 --by 单位",
    "report trend": "tsk report trend --months 12 --by 类别",
    "calendar shift": "tsk calendar shift 2026-09-30 3",
    "calendar between": "tsk calendar between 2026-09-30 2026-10-10",
    "calendar is-workday": "tsk calendar is-workday 2026-10-10",
    "calendar explain": "tsk calendar explain 2026-09-30 15",
    "calendar set": "tsk calendar set 2027-02-20 --workday --note '国办发明电〔2026〕 调休上班'",
    "calendar unset": "tsk calendar unset 2027-02-20",
    "calendar publish": "tsk calendar publish 2027 --note '国办发明电〔2026〕'",
    "calendar show": "tsk calendar show 2026",
    "config show": "tsk config show",
    "config get": "tsk config get default_policy",
    "config set": "tsk config set default_policy gdrcc2008",
    "policy list": "tsk policy list",
    "policy show": "tsk policy show gdrcc2008",
    "policy add": "tsk policy add examples/policies/workdays2020.toml",
    "role grant": "tsk role grant wangqiang --role handler --unit 天河支行 --unit 越秀支行",
    "role revoke": "tsk role revoke wangqiang",
    "role list": "tsk role list --format csv",
}


def epilog(path: str) -> str | None:
    """The example as the end of a command's help, kept on one line (`\\b`: Click does not rewrap it)."""
    example = EXAMPLES.get(path)
    return None if example is None else f"\b\nExample:\n  {example}"
