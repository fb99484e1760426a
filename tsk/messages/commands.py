"""The messages of the commands: confirmations, the command line's own errors (Click's usage
errors in Chinese), and what tables say around their rows (see `tsk.messages`)."""

from tsk.messages import Message as M

# -- what the commands print (tsk.cli) --------------------------------------------------------------
WORKBOOK_NOT_TO_TERMINAL = M("--format xlsx writes an Excel workbook, which a terminal cannot show: give -o FILE.xlsx "
                             "(or redirect standard output to a file)",
                             "--format xlsx 生成 Excel 工作簿，终端无法显示：请用 -o FILE.xlsx（或将标准输出重定向到文件）")
WORKBOOK_NOT_TO_STDOUT = M("cannot write a workbook to this standard output: give -o FILE.xlsx", "无法将工作簿写到此标准输出：请用 -o FILE.xlsx")
CANNOT_WRITE_STDOUT = M("cannot write to standard output: {reason}", "无法写入标准输出：{reason}")
CANNOT_WRITE = M("cannot write {path}: {reason}", "无法写入 {path}：{reason}")
TREND_BY_MONTH = M("--by month is what the chart already shows; choose another dimension", "图表本身就按月份；请选择其他分组")
WORKDAY_OR_HOLIDAY = M("give exactly one of --workday or --holiday", "请在 --workday 和 --holiday 中选一个")
NOW_A_WORKDAY = M("{day} is now a working day", "{day} 现为工作日")
NOW_A_DAY_OFF = M("{day} is now a day off", "{day} 现为休息日")
FOLLOWS_PUBLISHED = M("{day} follows the published calendar again", "{day} 恢复按公布的日历")
DEADLINES_MOVED = M("deadlines moved on {count} open complaint(s)", "{count} 件未办结投诉的时限已随之调整")
PUBLISHED = M("{year}: official schedule entered locally", "{year}：官方放假安排已在本地录入")
EXPLAIN_DUE = M("到期日 due: {due}", "到期日：{due}")
SCHEDULE_UNKNOWN = M("{year}: 未知官方放假安排，按法定节日推定 (no published schedule)", "{year}：未知官方放假安排，按法定节日推定")
POLICY_ADDED = M("policy {name} v{version}: ack {ack}, resolution {resolution}, cap {cap}",
                 "时限规则 {name} v{version}：受理告知 {ack}，处理时限 {resolution}，最长时限 {cap}")
EXPORTED = M("exported {count} complaint(s) to {path}", "已导出 {count} 件投诉到 {path}")
EXPORTED_MASKED = M("exported {count} complaint(s) to {path} (phone, ID number, email and address masked)",
                    "已导出 {count} 件投诉到 {path}（电话、证件号码、电子邮箱和地址已脱敏）")
IMPORT_DRY_RUN = M("dry run: {count} complaint(s) in {source} would be imported; nothing was written",
                   "试运行：{source} 中的 {count} 件投诉可以导入；未写入任何记录")
IMPORTED = M("imported {count} complaint(s) from {source}", "已从 {source} 导入 {count} 件投诉")
IMPORTED_COMPUTED = M("imported {count} complaint(s) from {source}; deadlines computed for {computed} open complaint(s)",
                      "已从 {source} 导入 {count} 件投诉；为 {computed} 件未办结投诉计算了时限")
MISSING_NOT_ASKED = M("missing {names} (not asked: standard input is not a terminal)", "缺少 {names}（标准输入不是终端，无法询问）")
LIKELY_REPEAT = M("Warning: likely a repeat of {ref} (same customer and category, decided recently); linked. "
                  "Tell the customer the appeal route (粤农信联发〔2008〕250号 第十六条).",
                  "Warning: 可能是 {ref} 的重复投诉（同一客户、同一类别，近期已有处理决定）；已关联。"
                  "请告知客户申诉途径（粤农信联发〔2008〕250号 第十六条）。")
FORMAT_FOR_FORM_ONLY = M("--format {fmt} is for --form only", "--format {fmt} 只用于 --form")
JSON_NOT_FOR_FORM = M("--format json does not apply to --form (table, md or html)", "--format json 不适用于 --form（可用 table、md 或 html）")
# The confirmations of the changes; {flags} is ` [群体 应急]` or nothing, {report} a REPORT_… or nothing.
REGISTERED = M("{ref} registered ({policy} v{version}, level {level}){flags}", "{ref} 已登记（{policy} v{version}，级别 {level}）{flags}")
ADD_ACK_DUE = M("  ack due 受理告知 {due}", "  受理告知 {due}")
ADD_FORM_DUE = M("  form    处理表   {due}{filed}", "  处理表　 {due}{filed}")
FORM_FILED = M(" (filed {at})", "（已于 {at} 报送）")
ADD_SUPERVISION_DUE = M("  supervision 督办表 {due}", "  督办表　 {due}")
ADD_DUE = M("  due     处理时限 {due}", "  处理时限 {due}")
ADD_CAP_DUE = M("  cap     最长时限 {due}", "  最长时限 {due}")
ADD_REPORT_DUE = M("  report  报告监管 {due}", "  报告监管 {due}")
ADD_REFERRAL_DUE = M("  referral 转办时限 {due}", "  转办时限 {due}")
ACKNOWLEDGED = M("{ref} acknowledged via {via}; due {due}", "{ref} 已通过{via}受理告知；处理时限 {due}")
ASSIGNED = M("{ref} assigned to {assignee}", "{ref} 已分派给 {assignee}")
ASSIGNED_IN_UNIT = M("{ref} assigned to {assignee} ({unit})", "{ref} 已分派给 {assignee}（{unit}）")
CONFLICT_DECLARED = M("{ref}: {name} may not handle it without --override-recusal", "{ref}：{name} 须回避，除非使用 --override-recusal")
ESCALATED = M("{ref} escalated to level {level}", "{ref} 已升至级别 {level}")
CLASSIFIED = M("{ref} classified (level {level}){flags}{report}", "{ref} 已重新分类（级别 {level}）{flags}{report}")
REPORT_BY = M("; report to the regulator by {due}", "；须于 {due} 前报告监管")
EXTENDED = M("{ref} extended by {days} {word}: due {due} (cap {cap})", "{ref} 已延期 {days} {word}：处理时限 {due}（最长时限 {cap}）")
EXTENDED_APPROVED = M("{ref} extended by {days} {word}: due {due} (cap {cap}), approved by {approver}",
                      "{ref} 已延期 {days} {word}：处理时限 {due}（最长时限 {cap}），经 {approver} 批准")
REVIEW_DECIDED = M("{ref}: review decided ({result}); the decision it reviewed stays {stays}",
                   "{ref}：核查已作出决定（{result}）；原处理决定（{stays}）不变")
SUPERVISED = M("{ref}: 督办表 issued by {unit} at {at}; due {due} (cap {cap})",
               "{ref}：{unit}已于 {at} 出具督办表；处理时限 {due}（最长时限 {cap}）")
NOTED = M("{ref} noted", "{ref} 已添加备注")
NOTIFIED = M("{ref}: customer notified via {via}", "{ref}：已通过{via}告知客户")
REPORTED = M("{ref}: reported to the regulator at {at}", "{ref}：已于 {at} 报告监管")
CLOSED = M("{ref} closed ({result}){report}", "{ref} 已办结（{result}）{report}")
REPORT_RESULT_BY = M("; report the result to {to} by {due}", "；须于 {due} 前向{to}报告处理结果")
THE_REGULATOR = M("the regulator", "监管部门")
REJECTED = M("{ref} rejected", "{ref} 不予受理")
WITHDRAWN = M("{ref} withdrawn", "{ref} 已撤回")
REOPENED = M("{ref} reopened; ack due {ack}, due {due}, cap {cap}", "{ref} 已重新办理；受理告知 {ack}，处理时限 {due}，最长时限 {cap}")
NOT_A_FORM = M("--form {value} is not one of: handling (客户投诉处理表), supervision (客户投诉处理督办表)",
               "--form {value} 不是可选值之一：客户投诉处理表（handling）、客户投诉处理督办表（supervision）")
FORM_FORMAT = M("a form is printed as md or html, not {value}", "表单只能输出为 md 或 html，而不是 {value}")

# -- the command line's own errors (tsk.cli, tsk.cli.usage) -------------------------------------------
NOT_UTF8_ARGUMENT = M("{what} is not valid UTF-8 text", "{what} 不是有效的 UTF-8 文本")
VALUE_OF = M("the value of {option}", "{option} 的值")
ARGUMENT_N = M("argument {n}", "第 {n} 个参数")
ABORTED = M("aborted", "已中止")
DISK_FULL = M("the disk is full (the ledger's or its temporary files'): nothing was written; free some space and run the "
              "command again", "磁盘已满（台账或其临时文件所在的磁盘）：未写入任何内容；请腾出空间后重新运行该命令")
LEDGER_DATABASE = M("ledger database: {reason}", "台账数据库：{reason}")
DATABASE_ERROR = M("database: {reason}", "数据库：{reason}")
INTERRUPTED = M("interrupted", "已中断")
TERMINATED = M("terminated", "已终止")
# Click's usage errors, in the English Click gives them (tsk.cli.usage says these in Chinese).
USAGE_MISSING_OPTION = M("Missing option {name}.", "缺少选项 {name}")
USAGE_MISSING_ARGUMENT = M("Missing argument {name}.", "缺少参数 {name}")
USAGE_INVALID = M("Invalid value for {name}: {problem}", "{name} 的值无效：{problem}")
USAGE_NOT_ONE_OF = M("{value} is not one of {choices}.", "{value} 不是可选值之一：{choices}")
USAGE_NOT_NUMBER = M("{value} is not a valid {type}.", "{value} 不是有效的数字（{type}）")
USAGE_NOT_IN_RANGE = M("{value} is not in the range {range}.", "{value} 不在范围 {range} 内")
USAGE_NO_OPTION = M("No such option: {name}", "没有选项 {name}")
USAGE_NO_OPTION_LIKE = M("No such option: {name} (Possible options: {options})", "没有选项 {name}（可能是：{options}）")
USAGE_NO_COMMAND = M("No such command {name}.", "没有命令 {name}")
USAGE_NO_COMMAND_LIKE = M("No such command {name}. Did you mean {like}?", "没有命令 {name}。是否要用 {like}？")
USAGE_EXTRA = M("Got unexpected extra argument(s) ({values})", "多余的参数（{values}）")
USAGE_NEEDS_VALUE = M("Option {name} requires an argument.", "选项 {name} 需要一个值")
USAGE_TAKES_NO_VALUE = M("Option {name} does not take a value.", "选项 {name} 不接受值")

# -- what the tables say around their rows (tsk.render) ---------------------------------------------
LISTED = M("{total} 件 complaint(s)", "共 {total} 件")
LISTED_SOME = M("{shown} / {total} 件 complaint(s) (--limit)", "共 {total} 件，显示 {shown} 件（--limit）")
SHOW_DONE = M(" (done {at})", "（{at} 已完成）")
SHOW_DONE_BY = M(" (done {at}, {unit})", "（{at} 已完成，{unit}）")
SHOW_EXTENDED = M(" (+{days} {unit}延期)", "（已延期 {days} {unit}）")
# The commands of the 2020 national rules (tsk.cli.national).
PAUSED = M("{ref}: clock stopped at {at}; the limit {due} moves when it resumes", "{ref}：时限已于 {at} 中止；恢复计时后处理时限 {due} 相应顺延")
RESUMED = M("{ref}: clock running again; {days} {word} not counted in all; due {due} (cap {cap})",
            "{ref}：时限恢复计算；共 {days} {word}不计入；处理时限 {due}（最长时限 {cap}）")
RESTARTED = M("{ref}: limit restarted at {at}; due {due} (cap {cap})", "{ref}：时限自 {at} 起重新计算；处理时限 {due}（最长时限 {cap}）")
MERGED = M("{ref} merged into {first}", "{ref} 已并入 {first}")
MERGED_RESTARTED = M("{ref} merged into {first}; its limit restarted: due {due} (cap {cap})",
                     "{ref} 已并入 {first}；其时限重新计算：处理时限 {due}（最长时限 {cap}）")
REVIEW_APPLIED = M("{ref}: review applied for at {at}; decision due {due}", "{ref}：已于 {at} 申请核查；核查决定时限 {due}")
REMEDY_RECORDED = M("{ref}: {remedy}", "{ref}：{remedy}")
REMEDY_BEFORE = M("{ref}: {remedy} before {by}", "{ref}：{remedy}（{by}）")
FOLLOWED_UP = M("{ref}: followed up, {satisfaction}", "{ref}：已回访，{satisfaction}")
