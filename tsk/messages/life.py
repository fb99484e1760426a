"""The messages of a complaint's life: the changes and their refusals, lapses and the nightly
check, the ledger's own settings (see `tsk.messages`)."""

from tsk.messages import Message as M

# -- overdue and the nightly check (tsk.overdue) --------------------------------------------------
LAPSE_WARNING = M("Warning: {ref} {clock} was due {due}: {late} working day(s) late",
                  "Warning: {ref} {clock} {due} 已过，逾期 {late} 个工作日")
OVERDUE_SUMMARY = M("{overdue} overdue as of {as_of}", "截至 {as_of}：逾期 {overdue} 项")
OVERDUE_SUMMARY_TODAY = M("{overdue} overdue, {soon} due today as of {as_of}", "截至 {as_of}：逾期 {overdue} 项，今日到期 {soon} 项")
OVERDUE_SUMMARY_WITHIN = M("{overdue} overdue, {soon} due within {within} working day(s) as of {as_of}",
                           "截至 {as_of}：逾期 {overdue} 项，{within} 个工作日内到期 {soon} 项")
WITHIN_NEGATIVE = M("--within must be 0 or more working days, not {within}", "--within 须为 0 或更多个工作日，而不是 {within}")
CHECKED = M("checked {checked} complaint(s) with running clocks as of {as_of}: {new} newly overdue, {escalated} escalated, "
            "{still} still overdue",
            "截至 {as_of} 检查时限未停的投诉 {checked} 件：新逾期 {new} 项，已升级 {escalated} 件，仍逾期 {still} 项")
CHECKED_WHAT_IF = M("what-if, nothing recorded: checked {checked} complaint(s) with running clocks as of {as_of}: "
                    "{new} newly overdue, {escalated} to escalate, {still} still overdue",
                    "推演，未作记录：截至 {as_of} 检查时限未停的投诉 {checked} 件：新逾期 {new} 项，应升级 {escalated} 件，"
                    "仍逾期 {still} 项")

# -- the complaint's life (tsk.lifecycle, tsk.classification, tsk.history) --------------------------
WORD_NAME = M("name", "姓名")
WORD_NOTE = M("note", "备注")
WORD_MESSAGE = M("message", "告知内容")
WORD_REPORT = M("report", "报告内容")
VALUE_PROBLEM = M("{what} {value} {problem}", "{what} {value} {problem}")
IN_THE_FUTURE = M("{what} {value} is in the future", "{what} {value} 晚于当前时间")
AT_BEFORE_RECEIPT = M("--at {at} is before {ref} was received ({received})", "--at {at} 早于 {ref} 的受理时间（{received}）")
BEFORE_RECEIPT = M("{what} {value} is before the complaint was received ({received})",
                   "{what} {value} 早于投诉的受理时间（{received}）")
WRONG_STATUS = M("cannot {action} {ref}: it is {status}", "不能{action} {ref}：该投诉{status}")
# What was asked, as WRONG_STATUS says it: "cannot extend TS-…", "不能延期 TS-…".
DO_ACKNOWLEDGE = M("acknowledge", "受理告知")
DO_ASSIGN = M("assign", "分派")
DO_DECLARE_CONFLICT = M("declare a conflict on", "声明回避")
DO_ESCALATE = M("escalate", "升级")
DO_EXTEND = M("extend", "延期")
DO_SUPERVISE = M("supervise", "督办")
DO_CLASSIFY = M("classify", "重新分类")
DO_CLOSE = M("close", "办结")
DO_REJECT = M("reject", "不予受理")
DO_WITHDRAW = M("withdraw", "撤回")
DO_REOPEN = M("reopen", "重新办理")
# The recusal rule (回避): who may not act, and what (ACT_…); "instead" is what the override allows.
RECUSAL_SUBJECT = M("{person} is the subject of the complaint on {ref} and must not {act} (回避, 粤农信联发〔2008〕250号 第十九条); "
                    "give --override-recusal REASON to {instead} anyway",
                    "{person} 是 {ref} 的被投诉人，不得{act}（回避，粤农信联发〔2008〕250号 第十九条）；"
                    "确需{instead}的，用 --override-recusal REASON 说明理由")
RECUSAL_CONFLICT = M("{person} is marked as having a conflict on {ref} and must not {act} (回避, 粤农信联发〔2008〕250号 第十九条); "
                     "give --override-recusal REASON to {instead} anyway",
                     "{person} 与 {ref} 有利害关系，不得{act}（回避，粤农信联发〔2008〕250号 第十九条）；"
                     "确需{instead}的，用 --override-recusal REASON 说明理由")
RECUSAL_SUBJECT_NEW = M("{person} is the subject of the complaint and must not {act} (回避, 粤农信联发〔2008〕250号 第十九条); "
                        "give --override-recusal REASON to {instead} anyway",
                        "{person} 是该投诉的被投诉人，不得{act}（回避，粤农信联发〔2008〕250号 第十九条）；"
                        "确需{instead}的，用 --override-recusal REASON 说明理由")
RECUSAL_CONFLICT_NEW = M("{person} is marked as having a conflict and must not {act} (回避, 粤农信联发〔2008〕250号 第十九条); "
                         "give --override-recusal REASON to {instead} anyway",
                         "{person} 与该投诉有利害关系，不得{act}（回避，粤农信联发〔2008〕250号 第十九条）；"
                         "确需{instead}的，用 --override-recusal REASON 说明理由")
ACT_REGISTER_FIRST = M("register it as its first handler", "作为首问负责人登记该投诉")
ACT_REGISTER = M("register it", "登记")
ACT_ACKNOWLEDGE = M("acknowledge it", "办理受理告知")
ACT_HANDLE = M("handle it", "处理该投诉")
ACT_ASSIGN_ANYWAY = M("assign", "分派")
ACT_ASSIGN = M("assign it", "分派该投诉")
ACT_ESCALATE = M("escalate it", "升级该投诉")
ACT_EXTEND = M("extend it", "延期")
ACT_SUPERVISE = M("issue its 督办表", "出具督办表")
ACT_NOTIFY = M("tell the customer about it", "告知客户")
ACT_REPORT = M("report it to the regulator", "报告监管")
ACT_CLOSE = M("close it", "办结该投诉")
ACT_REJECT = M("reject it", "作出不予受理决定")
ACT_WITHDRAW = M("record its withdrawal", "登记撤回")
ACT_REOPEN = M("reopen it", "重新办理该投诉")
ACT_CLASSIFY = M("classify it", "重新分类")
GROUP_SIZE_RANGE = M("{what} must be between 1 and {most:,}, not {size}", "{what} 须在 1 至 {most:,} 之间，而不是 {size}")
UNIT_NOT_LISTED = M("unit {value} is not one of the ledger's units: {units}", "被投诉单位 {value} 不在台账的单位之列：{units}")
REFERRAL_NEEDS_SOURCE = M("a regulator-referred complaint (监管转办) needs --referred-by and --referral-ref",
                          "监管转办的投诉须给出 --referred-by 和 --referral-ref")
REFERRAL_DUE_NOT_REFERRED = M("--referral-due is the referring authority's deadline: only for a referred complaint "
                              "(--channel regulator, or --referred-by)",
                              "--referral-due 是转办机关的时限，只用于转办的投诉（--channel regulator 或 --referred-by）")
FORM_AT_NO_CLOCK = M("--form-at: policy {policy} v{version} has no 处理表 (form) clock",
                     "--form-at：时限规则 {policy} v{version} 没有处理表时限")
ALREADY_ACKED = M("{ref} was already acknowledged at {at}", "{ref} 已于 {at} 受理告知")
AT_TOP_LEVEL = M("{ref} is already at the top level ({top})", "{ref} 已在最高级别（{top}）")
TO_LEVEL_RANGE = M("--to-level must be between 1 and {top}, not {level}", "--to-level 须在 1 至 {top} 之间，而不是 {level}")
ALREADY_AT_LEVEL = M("{ref} is already at level {level}", "{ref} 已在第 {level} 级")
ALREADY_AT_TOP = M("{ref} is already at level {level} (the top)", "{ref} 已在第 {level} 级（最高级别）")
DAYS_BELOW_1 = M("--days must be 1 or more, not {days}", "--days 至少为 1，而不是 {days}")
EXTEND_TOO_LATE = M("cannot extend {ref} on {day}: the deadline it extends, {due}, was over "
                    "(an extension is decided before it, 银监发〔2012〕13号 第九条)",
                    "不能在 {day} 为 {ref} 延期：所延长的处理时限 {due} 已过（延期须在时限届满前决定，银监发〔2012〕13号 第九条）")
EXTEND_PAST_CAP = M("extending {ref} by {days} {word} would pass its cap {cap} ({policy}); at most {left} more {word} are allowed",
                    "{ref} 延期 {days} {word}将超过最长时限 {cap}（{policy}）；最多还可延期 {left} {word}")
EXTEND_NEEDS_APPROVAL = M("extending {ref} past {tier} {word} from receipt needs the approval of the superior institution or "
                          "head-office senior management (中国银保监会令2020年第3号 第十八条): give --approved-by NAME",
                          "{ref} 自受理起延期超过 {tier} {word}，须经上级机构或总行高级管理人员批准"
                          "（中国银保监会令2020年第3号 第十八条）：请用 --approved-by NAME 写明批准人")
COMPLAINANT_TOGETHER = M("--complainant and --relationship go together: who complained for the customer, and how they are "
                         "related (agent, heir, guardian, other)",
                         "--complainant 与 --relationship 须一并给出：代客户投诉的人，及其与客户的关系"
                         "（受托人 agent、继承人 heir、监护人 guardian、其他 other）")
PAUSED_CANNOT = M("cannot {action} {ref}: its clock is stopped since {since} (tsk resume first)",
                  "不能{action} {ref}：其时限自 {since} 起中止（请先 tsk resume）")
ACT_DECIDE_REVIEW = M("decide its review", "作出核查决定")
SUPERVISING_UNIT_NEEDED = M("--unit: name the supervising unit (督办单位), or set the ledger's "
                            "(tsk config set supervising_unit NAME)",
                            "--unit：请写明督办单位，或设置台账的默认督办单位（tsk config set supervising_unit NAME）")
NO_SUPERVISION_CLOCK = M("{ref} is under {policy} v{version}, which has no 督办表 (supervision) clock",
                         "{ref} 适用时限规则 {policy} v{version}，该规则没有督办表时限")
ALREADY_SUPERVISED = M("{ref}'s 督办表 was already issued at {at} by {unit}", "{ref} 的督办表已于 {at} 由{unit}出具")
AT_BEFORE_FORM = M("--at {at} is before {ref}'s 处理表 arrived ({form_at})", "--at {at} 早于 {ref} 的处理表报送时间（{form_at}）")
NO_REPORT_DUE = M("{ref} has no regulator report due", "{ref} 没有待报告监管的事项")
AT_BEFORE_DECISION = M("--at {at} is before {ref} was decided ({closed})", "--at {at} 早于 {ref} 的办结时间（{closed}）")
NOTHING_TO_CLASSIFY = M("nothing to classify: give at least one of {options}", "没有要重新分类的内容：请至少给出 {options} 之一")
NOTHING_CHANGES = M("{ref} already has {same}: nothing to change", "{ref} 已是{same}，无需更改")
FIELD_VALUE = M("{field} {value}", "{field}为{value}")
HAS_EMERGENCY = M("emergency", "应急")
CHANGED_MEANWHILE = M("{ref} was changed by someone else at the same moment; try again", "{ref} 同时被他人修改；请重试")
ONE_CHANGED_MEANWHILE = M("one of {refs} was changed by someone else at the same moment; try again",
                          "{refs} 中有投诉同时被他人修改；请重试")

# -- the ledger's own settings (tsk.admin) and reports ----------------------------------------------
YEAR_ALREADY_PUBLISHED = M("{year}'s schedule is already known from the holidays package", "{year} 年的放假安排已由 holidays 软件包提供")
CANNOT_READ = M("cannot read {path}: {reason}", "无法读取 {path}：{reason}")
NOT_UTF8_FILE = M("{path} is not UTF-8 text", "{path} 不是 UTF-8 文本")
NOT_VALID_FILE = M("{path}: not valid {kind}: {problem}", "{path}：不是有效的 {kind}：{problem}")
POLICY_TOO_DEEP = M("{path}: not valid {kind} for a policy: nested too deeply", "{path}：不是有效的时限规则 {kind}：嵌套过深")
POLICY_IS_PRESET = M("{name} is a built-in preset; give your policy another name", "{name} 是内置时限规则；请为你的规则另起名称")
POLICY_VERSION_EXISTS = M("policy {name} version {version} already exists with other rules; raise its version",
                          "时限规则 {name} 第 {version} 版已存在且内容不同；请提高版本号")
MONTHS_RANGE = M("--months must be between 1 and 240, not {months}", "--months 须在 1 至 240 之间，而不是 {months}")

# -- clock stops, restarts and merged repeats (tsk.stops) ---------------------------------------------
POLICY_HAS_NO = M("{ref} is under {policy} v{version}, which has no {what} ({article}; a policy with {flag} = true has)",
                  "{ref} 适用时限规则 {policy} v{version}，该规则没有{what}（{article}；{flag} = true 的规则才有）")
A_CLOCK_STOP = M("clock stop (鉴定、检测、评估)", "时限中止（鉴定、检测、评估）")
A_RESTART = M("restart of the limit on new facts", "因新事实、新理由重新计算时限")
A_MERGE = M("merging of repeats", "重复投诉合并")
DO_PAUSE = M("pause", "中止时限")
DO_RESUME = M("resume", "恢复时限")
DO_RESTART = M("restart the limit of", "重新计算时限")
DO_MERGE = M("merge", "合并")
DO_MERGE_INTO = M("merge into", "并入")
ACT_PAUSE = M("stop its clock", "中止其时限")
ACT_RESUME = M("restart its clock", "恢复其时限")
ACT_RESTART = M("restart its limit", "重新计算其时限")
ACT_MERGE = M("merge it", "合并该投诉")
ACT_MERGE_INTO = M("merge into it", "将投诉并入该投诉")
ALREADY_PAUSED = M("{ref}'s clock is already stopped, since {at}", "{ref} 的时限已于 {at} 中止")
PAUSE_TOO_LATE = M("cannot stop {ref}'s clock on {day}: its limit ended on {due}", "不能在 {day} 中止 {ref} 的时限：其时限已于 {due} 届满")
NOT_PAUSED = M("{ref}'s clock is not stopped", "{ref} 的时限并未中止")
AT_BEFORE_PAUSE = M("--at {at} is before {ref}'s clock was stopped ({paused})", "--at {at} 早于 {ref} 的时限中止时间（{paused}）")
PAUSED_RESUME_FIRST = M("{ref}'s clock is stopped since {since}: tsk resume first", "{ref} 的时限自 {since} 起中止：请先 tsk resume")
MERGE_INTO_ITSELF = M("--into names {ref} itself: merge a repeat into the first complaint", "--into 指向 {ref} 本身：应将重复投诉并入首次投诉")
MERGE_EARLIER = M("{ref} was received before {first}: merge the later complaint into the first",
                  "{ref} 的受理早于 {first}：应将后来的投诉并入首次投诉")
MERGE_AFTER_LIMIT = M("{ref} was received on {received}, after {first}'s limit ({due}): a repeat after the limit is a "
                      "complaint of its own ({article})",
                      "{ref} 于 {received} 受理，晚于 {first} 的处理时限（{due}）：时限届满后的重复投诉应单独处理（{article}）")
MERGE_OWES_REPORT = M("{ref} owes the regulator a report (due {due}): tsk reported first", "{ref} 尚须报告监管（{due} 前）：请先 tsk reported")

# -- review (核查), remedies and the follow-up call (tsk.review) -----------------------------------------
NO_REVIEW = M("{ref} is under {policy} v{version}, which has no review (核查, {article}; a policy with a review clock has)",
              "{ref} 适用时限规则 {policy} v{version}，该规则没有核查（{article}；有核查时限的规则才有）")
DO_REVIEW = M("review", "核查")
ACT_REVIEW = M("review it", "受理核查申请")
ALREADY_UNDER_REVIEW = M("{ref}'s decision is already under review, applied for at {at}", "{ref} 的处理决定已在核查中，申请时间 {at}")
REVIEW_TOO_LATE = M("cannot review {ref}: the customer may apply within {window} of the decision ({decided}), by {last} ({article})",
                    "不能核查 {ref}：客户须在处理决定（{decided}）后 {window}内申请，即 {last} 前（{article}）")
AT_BEFORE_DECISION_OF = M("--at {at} is before {ref} was decided ({closed}): {what} follows the decision",
                          "--at {at} 早于 {ref} 的处理决定（{closed}）：{what}在处理决定之后")
AN_APPLICATION_FOR_REVIEW = M("an application for review", "核查申请")
THE_REVIEW_DECISION = M("the review's decision", "核查决定")
A_REMEDY = M("a remedy", "救济途径")
A_FOLLOW_UP = M("a follow-up", "回访")
AT_BEFORE_REVIEW = M("--at {at} is before the review was applied for ({review_at})", "--at {at} 早于核查申请时间（{review_at}）")
DO_REMEDY = M("record a remedy for", "登记救济途径")
ACT_REMEDY = M("record its remedy", "登记其救济途径")
DO_FOLLOW_UP = M("follow up", "回访")
ACT_FOLLOW_UP = M("follow it up", "回访")

# -- letters to the customer (tsk.notices) ------------------------------------------------------------
NOT_A_NOTICE = M("notice {value} is not one of: ack (受理), extension (延期), decision (处理决定), review (核查)",
                 "告知书 {value} 不是可选值之一：受理（ack）、延期（extension）、处理决定（decision）、核查（review）")
NOTICE_NO_EXTENSION = M("{ref} was never extended: there is no extension to tell", "{ref} 从未延期：没有延期可告知")
NOTICE_NO_DECISION = M("{ref} is {status}: there is no decision to tell (tsk close first)", "{ref} 状态为{status}：没有处理决定可告知（请先 tsk close）")
NOTICE_REVIEW_PENDING = M("{ref} has no review decided (applied for on {applied}, not decided yet): there is no review decision to tell",
                          "{ref} 的核查尚未作出决定（{applied} 申请）：没有核查决定可告知")
NOTICE_NO_REVIEW = M("{ref} has no review decided: there is no review decision to tell", "{ref} 没有核查决定：没有核查决定可告知")
NOTICE_MERGED = M("{ref} was merged into {into}: the customer's letters are {into}'s", "{ref} 已并入 {into}：客户的告知书以 {into} 出具")
NOTICE_REJECTED = M("{ref} was rejected (不予受理): there is no acceptance to tell", "{ref} 不予受理：没有受理可告知")
SENDER_UNSET = M("Warning: {keys} not set: the letter says so where they go (tsk config set KEY VALUE)",
                 "Warning: {keys} 尚未设置：告知书在相应位置注明未设置（tsk config set KEY VALUE）")
