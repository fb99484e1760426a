"""The messages of the ledger itself: its file or database, and `tsk verify` (see `tsk.messages`)."""

from tsk.messages import Message as M

# -- the ledger and its file (tsk.context, tsk.store) ----------------------------------------------
NO_LEDGER = M("no ledger at {path}: check --db or $TSK_DB (tsk init creates a new ledger)",
              "{path} 处没有台账：请检查 --db 或 $TSK_DB（新建台账用 tsk init）")
CREATED_LEDGER = M("Created a new ledger at {path}", "已在 {path} 新建台账")
CREATED_LEDGER_PG = M("Created a new ledger in the PostgreSQL database", "已在 PostgreSQL 数据库中新建台账")
THE_POSTGRESQL_DATABASE = M("the PostgreSQL database", "该 PostgreSQL 数据库")
LEDGER_EXISTS = M("a ledger already exists in {where}: tsk init makes a new one only", "{where} 中已有台账：tsk init 只新建台账")
CANNOT_OPEN_LEDGER = M("cannot open the ledger {path}: {reason}", "无法打开台账 {path}：{reason}")
CANNOT_CREATE_LEDGER = M("cannot create the ledger {path}: {reason}", "无法创建台账 {path}：{reason}")
LEDGER_READ_ONLY = M("the ledger {path} is read-only here (its file or folder cannot be written): only commands that read it can run",
                     "台账 {path} 在此只读（文件或所在文件夹不可写）：只能运行读取台账的命令")
CANNOT_MAKE_PRIVATE = M("the ledger {path} is readable by others (mode {mode}) and cannot be made private: {reason}; "
                        "make it mode 600 (chmod 600)",
                        "台账 {path} 他人可读（权限 {mode}），且无法改为仅本人可读：{reason}；请将其权限设为 600（chmod 600）")
MADE_PRIVATE = M("Warning: the ledger {path} was readable by others; it is now readable by its owner only (mode 600)",
                 "Warning: 台账 {path} 原先他人可读；现已改为仅所有者可读（权限 600）")
SCHEMA_TOO_NEW = M("this ledger has schema version {version}, newer than this tsk knows ({known}): upgrade tsk",
                   "该台账的结构版本为 {version}，比本 tsk 所知的（{known}）新：请升级 tsk")
NEEDS_SQLALCHEMY = M("SQLAlchemy is needed for a database URL", "使用数据库 URL 需要 SQLAlchemy")
NEEDS_PSYCOPG = M("PostgreSQL needs psycopg 3: pip install 'tsk[postgres]'", "PostgreSQL 需要 psycopg 3：pip install 'tsk[postgres]'")
UNSUPPORTED_URL = M("unsupported database URL {scheme}://… (use a file path or postgresql://)",
                    "不支持的数据库 URL {scheme}://…（请用文件路径或 postgresql://）")
URL_HOST_MALFORMED = M("--db is not a database URL that can be read (like postgresql://user@host:5432/tsk): its host or port is malformed",
                       "--db 不是可读的数据库 URL（形如 postgresql://user@host:5432/tsk）：主机或端口格式有误")
URL_MALFORMED = M("--db is not a database URL that can be read (like postgresql://user@host:5432/tsk): its form is malformed",
                  "--db 不是可读的数据库 URL（形如 postgresql://user@host:5432/tsk）：格式有误")
CANNOT_CONNECT = M("cannot connect to the database: {reason}", "无法连接数据库：{reason}")

# -- tsk verify (tsk.integrity): what is wrong with the history ---------------------------------------
V_EVENT = M("{ref} event {seq} ({action})", "{ref} 第 {seq} 条记录（{action}）")
V_AUDIT_ROW = M("audit row {id} ({action})", "审计记录 {id}（{action}）")
V_ORPHAN_LAPSE = M("lapse {clock} due {due} of a deleted complaint (id {id})", "已删除投诉（id {id}）的逾期记录：{clock} 于 {due} 到期")
V_ORPHAN_EVENTS = M("events of a deleted complaint (id {id}) remain", "已删除投诉（id {id}）的处理记录仍在")
V_LAPSE_UNRECORDED = M("{ref}: lapse {clock} due {due}: in the lapse table, but no event recorded it (inserted behind tsk's back?)",
                       "{ref}：{clock} 于 {due} 到期的逾期记录在逾期表中，但没有处理记录登记它（绕过 tsk 插入？）")
V_LAPSE_DETECTED_AT = M("{ref}: lapse {clock} due {due}: detected_at differs from {event}, which recorded it",
                        "{ref}：{clock} 于 {due} 到期的逾期记录的 detected_at 与登记它的{event}不一致")
V_LAPSE_MISSING = M("{ref}: lapse {clock} due {due} recorded by {event} is missing from the lapse table (a lapse is never removed)",
                    "{ref}：{event}登记的 {clock} 于 {due} 到期的逾期不在逾期表中（逾期记录永不删除）")
V_AUDIT_BROKEN = M("{name}: does not follow the audit row before it (one deleted or inserted?)",
                   "{name}：与前一条审计记录不衔接（有记录被删除或插入？）")
V_ALTERED = M("{name}: altered after it was recorded", "{name}：登记后被改动")
V_UNREADABLE = M("{name}: details are not readable", "{name}：详情无法读取")
V_NOT_AUDITED = M("{table} {key}: not in the audit record (inserted behind tsk's back?)", "{table} {key}：不在审计记录中（绕过 tsk 插入？）")
V_DELETED = M("{table} {key}: deleted behind tsk's back (the audit record has it)", "{table} {key}：被绕过 tsk 删除（审计记录中有它）")
V_DIFFERS_FROM_AUDIT = M("{table} {key}: differs from the audit record in {columns}", "{table} {key}：与审计记录不一致（{columns}）")
V_COUNTER_BELOW = M("ref counter of {year} is {last}, below {refs} held in the ledger (the counter set back?)",
                    "{year} 年的编号计数器为 {last}，小于台账中的 {refs}（计数器被回拨？）")
V_REFS_MISSING = M("{refs}: issued but missing from the ledger (deleted with its history?)", "{refs}：已发出但不在台账中（连同处理记录被删除？）")
V_REFS_UNISSUED = M("{refs}: in the ledger but never issued (an import passed over it)", "{refs}：在台账中但从未发出（导入时跳过的编号）")
V_REFS_AND_MORE = M("{refs} and {more} more", "{refs} 等另 {more} 个")
V_EVENT_MISSING = M("{ref}: event {seq} is missing", "{ref}：缺少第 {seq} 条处理记录")
V_EVENT_BROKEN = M("{name}: does not follow the event before it", "{name}：与前一条处理记录不衔接")
V_WAS_WRONG = M("{name}: says it replaced values the history before it does not have", "{name}：所称被替换的值与此前的处理记录不符")
V_WAS_MISSING = M("{name}: does not say what it replaced in {column}", "{name}：未说明替换了 {column} 的什么值")
V_COUNT_WRONG = M("{ref}: history has {found} event(s), the record expects {expected} ending in {head}: events were deleted or added",
                  "{ref}：处理记录有 {found} 条，投诉记录应为 {expected} 条、末条为 {head}：有记录被删除或添加")
V_RECORD_DIFFERS = M("{ref}: stored record differs from its history in {columns}", "{ref}：保存的记录与处理记录不一致（{columns}）")
V_BASELINE_DIFFERS = M("{ref}: stored record differs from the record as imported (in a field no later event changed)",
                       "{ref}：保存的记录与导入时的记录不一致（在此后没有处理记录改动过的字段中）")
VERIFY_FAILED = M("history check failed: {count} problem(s); first: {first}", "处理记录核验未通过：{count} 个问题；第一个：{first}")
VERIFIED = M("ok: {complaints} complaint(s), {events} event(s); every history intact", "通过：{complaints} 件投诉，{events} 条处理记录；处理记录完整")
LEDGER_DIGEST = M("ledger digest {digest}", "台账摘要 {digest}")
