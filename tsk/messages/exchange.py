"""The messages of `tsk import` and of workbooks: where in a file a problem is, and what it is
(see `tsk.messages`)."""

from tsk.messages import Message as M

# -- Excel workbooks (tsk.render.workbook, tsk.exchange.workbook) -----------------------------------
NEEDS_OPENPYXL = M("an Excel workbook (xlsx) needs the openpyxl package, which is not installed: {install}",
                   "Excel 工作簿（xlsx）需要 openpyxl 软件包，尚未安装：{install}")
CELL_TOO_LONG = M("{where}{key} is too long for a workbook cell once its control characters are written out "
                  "({length:,} characters, a cell holds {most:,}): export as CSV or JSON",
                  "{where}{key} 写出控制字符后超出工作簿单元格的容量（{length:,} 个字符，单元格最多 {most:,} 个）：请导出为 CSV 或 JSON")
CELL_TOO_MANY_DIGITS = M("{value} is a number with more digits than a spreadsheet keeps (its last ones are lost): enter it as text",
                         "{value} 是数字，位数超过电子表格能保存的（末几位已丢失）：请以文本输入")
CELL_DATETIME = M("a date and time ({value}) where {expected} is expected", "应为{expected}，而单元格是日期时间（{value}）")
CELL_DATE = M("a date ({value}) where {expected} is expected", "应为{expected}，而单元格是日期（{value}）")
CELL_OTHER = M("a {type} value, where {expected} is expected", "应为{expected}，而单元格是 {type} 值")
A_TIME = M("a date and time", "日期时间")
A_DATE = M("a date", "日期")
A_NUMBER = M("a number", "数字")
A_FLAG = M("0 or 1", "0 或 1")
AN_AMOUNT = M("an amount", "金额")
A_TEXT = M("text", "文本")

# -- tsk import: where a problem is, and what it is (tsk.exchange) -----------------------------------
IMPORT_FAILED = M("{total} problem(s) in {source}; nothing was imported", "{source} 中有 {total} 个问题；未导入任何记录")
IMPORT_FAILED_FIRST = M("{total} problem(s) in {source} (the first {shown} shown); nothing was imported",
                        "{source} 中有 {total} 个问题（列出前 {shown} 个）；未导入任何记录")
PROBLEM_AT = M("{source} {where}: {problem}", "{source} {where}：{problem}")
PROBLEM_AT_FIELD = M("{source} {where}, {field}: {problem}", "{source} {where}，{field}：{problem}")
AT_LINE = M("line {line}", "第 {line} 行")
AT_RECORD = M("record {number} (line {line})", "第 {number} 条记录（第 {line} 行）")
AT_ROW = M("{sheet}row {line}", "{sheet}第 {line} 行")
SHEET_NAMED = M("sheet {title} ", "工作表 {title} ")
FIELD_NAMED = M("field {name}", "字段 {name}")
COLUMN = M("column {letter}", "第 {letter} 列")
COLUMN_HEADED = M("column {letter} {heading}", "第 {letter} 列 {heading}")
COLUMN_HEADED_AS = M("column {letter} {heading} ({name})", "第 {letter} 列 {heading}（{name}）")
XLS_UNREADABLE = M("{name} is an Excel 97-2003 (.xls) or password-protected workbook, which tsk cannot read: save it as an "
                   "Excel workbook (.xlsx) without a password, or as CSV UTF-8, and import that",
                   "{name} 是 Excel 97-2003（.xls）或有密码保护的工作簿，tsk 无法读取：请另存为无密码的 Excel 工作簿（.xlsx）"
                   "或 CSV UTF-8 后再导入")
CSV_EMPTY = M("{name} is empty: expected a header row of export columns", "{name} 是空的：应有导出列的标题行")
CSV_TOO_LONG = M("a value is longer than the {most:,} characters a text may have", "有值超过文本上限 {most:,} 个字符")
NOT_CSV = M("not readable as CSV: {problem}", "无法按 CSV 读取：{problem}")
WRONG_WIDTH = M("{count} values, the header has {width}", "有 {count} 个值，而标题行有 {width} 个")
NOT_EXPORT_COLUMN = M("not an export column", "不是导出列")
COLUMNS_TWICE = M("column(s) given twice: {columns}", "重复的列：{columns}")
COLUMNS_MISSING = M("required column(s) missing: {columns}", "缺少必需的列：{columns}")
NOT_JSON = M("not valid JSON: {problem}", "不是有效的 JSON：{problem}")
JSON_TOO_DEEP = M("not valid JSON for an import: nested deeper than Python's JSON parser goes (a record is one flat object)",
                  "不是可导入的 JSON：嵌套超出 JSON 解析器的深度（每条记录应为一个平面对象）")
NOT_AN_OBJECT = M("expected an object of export fields, not {type}", "应为由导出字段组成的对象，而不是 {type}")
NOT_EXPORT_FIELD = M("not an export field", "不是导出字段")
NOT_AN_ARRAY = M("expected a JSON array of complaints", "应为投诉记录的 JSON 数组")
ARRAY_NOT_CLOSED = M("the array is not closed with ]", "数组没有以 ] 结束")
EXPECTED_COMMA = M("expected , or ] after record {number}", "第 {number} 条记录后应为 , 或 ]")
EXPECTED_COMMA_NOT = M("expected , or ] after record {number}, not {after}", "第 {number} 条记录后应为 , 或 ]，而不是 {after}")
TEXT_AFTER_ARRAY = M("text after the end of the array", "数组结束后还有内容")
NO_WORKSHEET = M("{name} has no worksheet", "{name} 没有工作表")
HEADINGS_EMPTY = M("{source} {where} is empty: expected the headings of an export (编号, 状态, 类型… or ref, status, kind…)",
                   "{source} {where} 是空的：应为导出的列标题（编号、状态、类型… 或 ref、status、kind…）")
HEADINGS_WRONG = M("expected the headings of an export (编号, 状态, 类型… or ref, status, kind…), not {value}",
                   "应为导出的列标题（编号、状态、类型… 或 ref、status、kind…），而不是 {value}")
NO_HEADING = M("no heading (give it the heading of an export column, or delete the column)",
               "没有标题（请填上导出列的标题，或删除该列）")
SHEET_UNREADABLE = M("the sheet cannot be read: {reason}", "工作表无法读取：{reason}")
PAST_LAST_HEADING = M("a value in column {letter}, past the last heading", "第 {letter} 列有值，超出最后一个标题")
CELL_FORMULA = M("a formula ({value}), not a value: tsk imports values (copy the cells and paste them as values)",
                 "是公式（{value}）而不是值：tsk 只导入值（请复制这些单元格，再选择性粘贴为值）")
CELL_ERROR = M("an error value ({value}), not a value", "是错误值（{value}）而不是值")
NOT_A_WORKBOOK = M("{source} is not an Excel workbook (.xlsx) tsk can read: {reason}", "{source} 不是 tsk 能读取的 Excel 工作簿（.xlsx）：{reason}")
NOT_UTF8_IMPORT = M("{source} is not UTF-8 text (save it as UTF-8, e.g. CSV UTF-8)", "{source} 不是 UTF-8 文本（请以 UTF-8 保存，例如 CSV UTF-8）")
REF_TWICE = M("{ref} appears twice in the file (first at {where})", "{ref} 在文件中出现两次（首次在{where}）")
REF_IN_LEDGER = M("{ref} is already in the ledger", "{ref} 已在台账中")
NO_POLICY_VERSION = M("policy {name} has no version {version}", "时限规则 {name} 没有第 {version} 版")
UNKNOWN_POLICY = M("{name} (known: {known})", "{name}（已有：{known}）")
MISSING_REQUIRED = M("missing (required)", "缺少（必填）")
MASKED_VALUE = M("{value} is masked: this file was exported without --show-pii and cannot be imported without losing the "
                 "customer's data; export it again with --show-pii",
                 "{value} 已脱敏：该文件导出时未用 --show-pii，导入将丢失客户信息；请用 --show-pii 重新导出")
VALUE_IS = M("{value} {problem}", "{value} {problem}")
NOT_A_LEDGER_UNIT = M("{value} is not one of the ledger's units: {units}", "{value} 不在台账的单位之列：{units}")
CLOCKS_TOGETHER = M("missing: give ack_due, due and cap_due together, or none of them to have them computed",
                    "缺少：ack_due、due 和 cap_due 须一并给出，或都不给以自动计算")
OPEN_WITH_CLOSED_AT = M("an open complaint has no closing time, not {value}", "处理中的投诉没有办结时间，而此处为 {value}")
MISSING_CLOSED_AT = M("missing: a {status} complaint needs the time it was {status}", "缺少：状态为{status}的投诉须有{status}的时间")
MISSING_RESULT = M("missing: a closed complaint needs its result", "缺少：已办结的投诉须有处理结果")
MISSING_REFERRAL = M("missing: a regulator-referred complaint (监管转办) needs referred_by and referral_ref",
                     "缺少：监管转办的投诉须有 referred_by 和 referral_ref")
REFERRAL_DUE_ONLY = M("the referring authority's deadline, for a referred complaint only (channel regulator, or referred_by)",
                      "转办机关的时限，只用于转办的投诉（channel 为 regulator，或有 referred_by）")

# -- tsk export (tsk.exchange.export) -----------------------------------------------------------------
EXCEL_CSV_ONLY = M("--excel applies to CSV only", "--excel 只适用于 CSV")
EXCEL_CSV_ONLY_XLSX = M("--excel applies to CSV only (a workbook never holds a formula)", "--excel 只适用于 CSV（工作簿中从不含公式）")
MERGED_INTO_ONLY = M("a merged complaint names the complaint it was merged into, and only a merged one does",
                     "已合并的投诉须写明并入的投诉，且只有已合并的投诉才写")
MISSING_COMPLAINANT = M("missing: complainant_name and complainant_relationship go together",
                        "缺少：complainant_name 与 complainant_relationship 须一并给出")
PAUSED_ONLY_OPEN = M("only an open complaint's clock is stopped, not a {status} one's", "只有处理中的投诉才能中止时限，状态为{status}的不能")
REVIEW_OF_CLOSED = M("a review (核查) is of a closed complaint's decision, with its review_due", "核查针对已办结投诉的处理决定，并须有 review_due")
MISSING_REVIEW_AT = M("missing: the review's other fields need the time it was applied for", "缺少：核查的其他字段须有申请时间")
