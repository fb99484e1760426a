"""The messages of the values tsk reads and the things it looks up: dates, field values, refs,
settings, periods, policies, the calendar (see `tsk.messages`)."""

from tsk.messages import Message as M

# -- values said in words ---------------------------------------------------------------------
ECHO_CUT = M("{text} ({length:,} characters)", "{text}（共 {length:,} 个字符）")
NOT_ONE_OF = M("{what} {value} is not one of: {choices}", "{what} {value} 不是可选值之一：{choices}")

# -- dates and times (tsk.timeutil) -----------------------------------------------------------
WORD_DATE = M("date", "日期")
WORD_TIME = M("time", "时间")
DATE_FORMS = M("2026-11-23, 2026/11/3, 2026.11.3, 2026年11月3日, 11月3日 (this year), each with a time (9:40, 14时05分), "
               "ISO 8601, today or yesterday",
               "2026-11-23、2026/11/3、2026.11.3、2026年11月3日、11月3日（当年），均可带时间（9:40、14时05分），"
               "或 ISO 8601、today、yesterday")
NOT_REAL_TIME = M("{what} {value} is not a real date and time", "{what} {value} 不是实际存在的日期和时间")
NOT_REAL_DATE = M("{what} {value} is not a real date", "{what} {value} 不是实际存在的日期")
NOT_A_TIME = M("{what} {value} is not a date or time (use {forms})", "{what} {value} 不是日期或时间（可用：{forms}）")
OUT_OF_RANGE = M("{value} is out of range (years {first} to {last})", "{value} 超出范围（年份须在 {first} 至 {last} 之间）")
NAMED_OUT_OF_RANGE = M("{what} {value} is out of range (years {first} to {last})",
                       "{what} {value} 超出范围（年份须在 {first} 至 {last} 之间）")

# -- values (tsk.values) ----------------------------------------------------------------------
WORD_TEXT = M("text", "文本")
NAMED_PROBLEM = M("{what} {problem}", "{what} {problem}")  # a value's problem, named by its option or field
EMPTY = M("{what} must not be empty", "{what} 不能为空")
TOO_LONG = M("is {length:,} characters long, more than the {most:,} a text may have",
             "长 {length:,} 个字符，超过文本上限 {most:,} 个字符")
HAS_NUL = M("contains a NUL character", "含有 NUL 字符")
NOT_TEXT = M("expected text, not {value}", "应为文本，而不是 {value}")
NOT_A_REF = M("{value} is not a complaint ref (like TS-2026-000123)", "{value} 不是投诉编号（形如 TS-2026-000123）")
NOT_A_CHOICE = M("{value} is not one of: {choices}", "{value} 不是可选值之一：{choices}")
NOT_WHOLE = M("{value} is not a whole number", "{value} 不是整数")
NOT_BETWEEN = M("{value} is out of range ({low} to {high})", "{value} 超出范围（{low} 至 {high}）")
NOT_AT_LEAST = M("{value} is out of range ({low} or more)", "{value} 超出范围（至少 {low}）")
NOT_FLAG = M("{value} is not 0 or 1", "{value} 不是 0 或 1")
NOT_STORED_TIME = M("{value} is not a date and time (like 2026-11-23T14:05:00+08:00)",
                    "{value} 不是日期和时间（形如 2026-11-23T14:05:00+08:00）")
NOT_STORED_DATE = M("{value} is not a date (YYYY-MM-DD)", "{value} 不是日期（YYYY-MM-DD）")
IN_FUTURE = M("is in the future", "晚于当前时间")
TOO_EARLY = M("is before {earliest}: not a plausible date of receipt", "早于 {earliest}，不可能是受理日期")
NOT_PHONE = M("{value} is not a phone number", "{value} 不是电话号码")
ID_NOT_18 = M("{value} is not 18 characters (17 digits and a digit or X)", "{value} 不是 18 位（17 位数字加一位数字或 X）")
ID_CHECK_DIGIT = M("{value} has a wrong check digit", "{value} 的校验码不对")
NOT_AMOUNT = M("{value} is not an amount in yuan", "{value} 不是以元计的金额")
AMOUNT_NOT_NEGATIVE = M("{value} must be zero or more, to the fen", "{value} 须为零或正数，精确到分")
AMOUNT_UP_TO = M("{value} must be an amount from 0 to {most:,} yuan, to the fen", "{value} 须为 0 至 {most:,} 元的金额，精确到分")
NOT_NAMES = M("{value} is not a JSON list of names", "{value} 不是姓名的 JSON 列表")
NOT_A_NAME_LIST = M("expected a JSON list of names", "应为姓名的 JSON 列表")

# -- finding things (records, settings, periods) ------------------------------------------------
NO_COMPLAINT = M("no complaint {ref}", "没有投诉 {ref}")
NO_COMPLAINT_ID = M("no complaint with id {id}", "没有 id 为 {id} 的投诉")
NO_SETTING = M("no setting {key} (settings: {known})", "没有设置项 {key}（设置项：{known}）")
SETTING_NOT_WHOLE = M("{key} must be a whole number, not {value}", "{key} 须为整数，而不是 {value}")
SETTING_BELOW_1 = M("{key} must be at least 1, not {value}", "{key} 至少为 1，而不是 {value}")
UNIT_TWICE = M("units lists a unit twice", "units 中有重复的单位")
SETTING_DEFAULT_POLICY = M("deadline policy for new complaints (see `tsk policy list`)",
                           "新投诉的时限规则（见 `tsk policy list`）")
SETTING_GROUP_THRESHOLD = M("group complaint (群体性投诉) at this many complainants or more", "投诉人数达到此数即为群体性投诉")
SETTING_HOTSPOT_THRESHOLD = M("hot spot (热点) at this many distinct customers", "不同客户达到此数即为热点问题")
SETTING_HOTSPOT_WINDOW = M("hot-spot window in calendar days", "热点问题的统计窗口（自然日）")
SETTING_REPEAT_WINDOW = M("a decision within this many days makes a new complaint a repeat",
                          "此天数内已有处理决定的，新投诉视为重复投诉")
SETTING_UNITS = M("units complaints may name, comma-separated (empty: any)", "投诉可指向的单位，以逗号分隔（空：不限）")
SETTING_INSTITUTION = M("the bank's name, the sender of the letters to customers (`tsk notice`): must be set",
                        "银行名称，即告知书的发出人（`tsk notice`）：须设置")
SETTING_COMPLAINT_PHONE = M("the complaint telephone number the letters give (`tsk notice`): must be set",
                            "告知书载明的投诉电话（`tsk notice`）：须设置")
SETTING_COMPLAINT_ADDRESS = M("the postal address for complaints the letters give (`tsk notice`): must be set",
                              "告知书载明的投诉通讯地址（`tsk notice`）：须设置")
SETTING_SUPERVISING_UNIT = M("who issues the 督办表 by default (`tsk supervise`; empty: --unit each time)",
                             "默认出具督办表的单位（`tsk supervise`；空：每次用 --unit 指定）")
NOT_A_HALF_YEAR = M("period {value} is not a half-year like 2026H1 or 2026H2", "期间 {value} 不是半年度（形如 2026H1 或 2026H2）")
YEAR_OUT_OF_RANGE = M("YEAR {year} is out of range ({first} to {last})", "年份 {year} 超出范围（{first} 至 {last}）")
SINCE_AFTER_UNTIL = M("--since {since} is after --until {until}", "--since {since} 晚于 --until {until}")

# -- policies (tsk.sla) ------------------------------------------------------------------------
WORD_POLICY = M("policy", "时限规则")
WORD_PERIOD = M("period", "期间")
POLICY_NAMED = M("policy {name}", "时限规则 {name}")
POLICY_CLOCK_AT = M("{origin}: clocks.{key}", "{origin}：clocks.{key}")
POLICY_OVERRIDE_AT = M("{origin}: overrides[{i}].{clock}", "{origin}：overrides[{i}].{clock}")
NOT_A_PERIOD = M("{what}: {value} is not a period like '15 working_days' or '3 months'",
                 "{what}：{value} 不是期间（形如 '15 working_days' 或 '3 months'）")
BAD_PERIOD = M("{what}: {value} is not a period (a whole number up to {most:,} of working_days, calendar_days, months or hours)",
               "{what}：{value} 不是期间（不超过 {most:,} 的整数，单位为 working_days、calendar_days、months 或 hours）")
POLICY_NEEDS = M("{origin}: needs name, version and a [clocks] table ({problem})", "{origin}：须有 name、version 和 [clocks] 表（{problem}）")
POLICY_BAD_NAME = M("{origin}: name {value} must be lower-case letters, digits, '-', '_' or '.'",
                    "{origin}：名称 {value} 只能由小写字母、数字、'-'、'_' 或 '.' 组成")
POLICY_LACKS = M("{origin}: [clocks] lacks {missing}", "{origin}：[clocks] 缺少 {missing}")
POLICY_RESOLUTION_FROM = M("{origin}: resolution_from must be 'receipt', 'ack' or 'supervision'",
                           "{origin}：resolution_from 须为 'receipt'、'ack' 或 'supervision'")
POLICY_NEEDS_SUPERVISION = M("{origin}: resolution_from 'supervision' needs a supervision clock in [clocks]",
                             "{origin}：resolution_from 为 'supervision' 时，[clocks] 须有 supervision 时限")
POLICY_OVERRIDE_WHEN = M("{origin}: overrides[{i}].when may test kind and severity, not {unknown}",
                         "{origin}：overrides[{i}].when 只能以 kind 和 severity 为条件，而不是 {unknown}")
NO_POLICY = M("no policy {name} (known: {known})", "没有时限规则 {name}（已有：{known}）")

# -- the calendar (tsk.workdays) -----------------------------------------------------------------
UNPUBLISHED_YEAR = M("Warning: no official holiday schedule for {year} is known; its dates follow the statutory rules only "
                     "(enter the State Council's schedule with `tsk calendar set`, then `tsk calendar publish {year}`, "
                     "which ends this warning)",
                     "Warning: 尚无 {year} 年官方放假安排，该年日期仅按法定节假日推算（用 `tsk calendar set` 录入国务院的放假安排，"
                     "再运行 `tsk calendar publish {year}`，此警告即不再出现）")
POLICY_DAYS = M("{origin}: days must be 'working_days' or 'calendar_days' (how a day, 日, is read)",
                "{origin}：days 须为 'working_days' 或 'calendar_days'（“日”按何种日计算）")
POLICY_FLAG = M("{origin}: {flag} must be true or false", "{origin}：{flag} 须为 true 或 false")
POLICY_TIER_AT = M("{origin}: extension_tiers[{i}]", "{origin}：extension_tiers[{i}]")
POLICY_NATIONAL_NEEDS = M("{origin}: extension_tiers, clock_stops and merge_repeats need a resolution counted from receipt in "
                          "the policy's days ({reading})",
                          "{origin}：extension_tiers、clock_stops 和 merge_repeats 要求处理时限自受理起按该规则的日（{reading}）计算")
POLICY_TIERS = M("{origin}: extension_tiers must rise, in the resolution's unit, from above the resolution period up to the cap",
                 "{origin}：extension_tiers 须以处理时限的单位逐级递增，自高于处理时限起，至最长时限为止")
POLICY_REVIEW = M("{origin}: review and review_window go together (the review's limit, and how long after the decision the "
                  "customer may apply)",
                  "{origin}：review 与 review_window 须一并给出（核查的时限，以及客户可在决定后多久内申请）")
WORKING_DAYS = M("working day(s)", "个工作日")
CALENDAR_DAYS = M("day(s)", "日")
