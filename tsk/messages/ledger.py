"""The messages of the ledger itself: its file or database, and `tsk verify` (see `tsk.messages`)."""

from tsk.messages import Message as M

# -- the ledger and its file (tsk.context, tsk.store) ----------------------------------------------
NO_LEDGER = M("no ledger at {path}: check --db or $TSK_DB (tsk init creates a new ledger)",
              "{path} 处没有台账：请检查 --db 或 $TSK_DB（新建台账用 tsk init）")
NO_LEDGER_PG = M("no ledger in the PostgreSQL database: check --db or $TSK_DB (tsk init creates a new ledger)",
                 "该 PostgreSQL 数据库中没有台账：请检查 --db 或 $TSK_DB（新建台账用 tsk init）")
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
NEEDS_PSYCOPG = M("PostgreSQL needs psycopg 3: pip install 'tsk[postgres]'", "PostgreSQL 需要 psycopg 3：pip install 'tsk[postgres]'")
UNSUPPORTED_URL = M("unsupported database URL {scheme}://… (use a file path or postgresql://)",
                    "不支持的数据库 URL {scheme}://…（请用文件路径或 postgresql://）")
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

# -- roles on a PostgreSQL ledger (tsk.access, tsk.rights; docs/rules.md, Roles on a shared ledger) ----
AS_ON_SERVER = M("--as names the actor on a SQLite ledger only: on PostgreSQL every event records the database user the "
                 "command connects as (connect as that user instead)",
                 "--as 只在 SQLite 台账上指定操作人：在 PostgreSQL 上，每条记录登记的是命令连接数据库所用的用户（请改以该用户连接）")
NO_COMPLAINT_IN_UNITS = M("no complaint {ref} among the complaints of {units} (the units you may see)",
                          "在 {units} 的投诉中没有 {ref}（您可查看的单位）")
ROLES_ON_SQLITE = M("tsk role is for a PostgreSQL ledger: a SQLite ledger has no roles (its guard is the file's permissions)",
                    "tsk role 用于 PostgreSQL 台账：SQLite 台账没有角色（其防护是文件的权限）")
ROLES_NEED_OWNER = M("tsk role needs the ledger's owner ({owner}): you are connected as {user}",
                     "tsk role 须由台账所有者（{owner}）执行：您当前以 {user} 连接")
DATABASE_NAME_TOO_LONG = M("the database's name is longer than {most} bytes: PostgreSQL could not name its roles after it "
                           "(rename the database)", "数据库名称超过 {most} 字节：PostgreSQL 无法以其命名角色（请重命名数据库）")
NOT_A_ROLE_NAME = M("USER must be a PostgreSQL role name: printable, at most 63 bytes",
                    "`USER` 须为 PostgreSQL 角色名：可打印字符，至多 63 字节")
RESERVED_ROLE_NAME = M("USER may not begin with pg_ (PostgreSQL reserves those names)", "`USER` 不能以 `pg_` 开头（PostgreSQL 保留此类名称）")
A_GROUP_ROLE = M("{user} is one of this ledger's group roles: name a person's (or a job's) login role",
                 "{user} 是本台账的组角色之一：请指定个人（或作业）的登录角色")
UNIT_FOR_SCOPED_ROLES = M("--unit is for the intake, handler and manager roles: a {role} works on every unit",
                          "--unit 只用于受理方、处理方和管理方：{role}处理所有单位")
ROLE_UNIT_NOT_LISTED = M("unit {value} is not one of the ledger's units: {units}", "单位 {value} 不在台账的单位之列：{units}")
SUPERUSER_NEEDS_NO_ROLE = M("{user} is a superuser: it may do everything already, and a role would not limit it",
                            "{user} 是超级用户：本已无所不能，角色限制不了它")
OWNER_NEEDS_NO_ROLE = M("{user} owns the ledger: it may do everything already, and a role would not limit it",
                        "{user} 是台账所有者：本已无所不能，角色限制不了它")
LOGIN_CREATED = M("created the login role {user} without a password: give it one (psql: \\password {user}) or let "
                  "pg_hba.conf authenticate it",
                  "已创建登录角色 {user}，未设密码：请为其设置密码（在 `psql` 中执行 `\\password {user}`），或由 pg_hba.conf 认证")
ROLE_GRANTED = M("{user}: {role} ({label}), {units}", "{user}：{label}（{role}），{units}")
EVERY_UNIT = M("every unit", "所有单位")
UNITS_LISTED = M("units {units}", "单位 {units}")
NO_SUCH_ROLE = M("there is no role {user} in this PostgreSQL cluster", "此 PostgreSQL 集群中没有角色 {user}")
HAS_NO_ROLE = M("{user} has no role in this ledger", "{user} 在本台账没有角色")
ROLE_REVOKED = M("{user}: no role in this ledger (its login role stays; DROP ROLE in psql removes it)",
                 "{user}：在本台账已无角色（其登录角色仍在；可在 `psql` 中用 `DROP ROLE` 删除）")
# A refusal by the database (tsk.access.refusal): {who} is one of the three below, {right} a right of tsk.rights.
WHO_WITHOUT_ROLE = M("user {user} (no role in this ledger)", "用户 {user}（在本台账无角色）")
WHO_WITH_ROLE = M("user {user} ({role})", "用户 {user}（{role}）")
WHO_WITH_UNITS = M("user {user} ({role}, units {units})", "用户 {user}（{role}，单位 {units}）")
REFUSED_NEEDS_ROLE = M("{who} may not {right}: that needs the {roles} role", "{who}无权{right}：须由{roles}办理")
REFUSED_NEEDS_OWNER = M("{who} may not {right}: that needs the ledger's owner ({owner})",
                        "{who}无权{right}：须由台账所有者（{owner}）办理")
REFUSED_NEEDS_A_ROLE = M("{who} may not {right}: the ledger's owner ({owner}) grants roles (tsk role grant)",
                         "{who}无权{right}：角色由台账所有者（{owner}）授予（tsk role grant）")
REFUSED_OUTSIDE_UNIT = M("{who} may {right} in that unit only", "{who}只能在其单位内{right}")
REFUSED_OUTSIDE_UNITS = M("{who} may {right} in those units only", "{who}只能在其各单位内{right}")
REFUSED_BY_DATABASE = M("{who} was refused by the database ({detail}): the ledger's owner ({owner}) brings the roles up to "
                        "date with tsk role grant", "{who}被数据库拒绝（{detail}）：请台账所有者（{owner}）运行 tsk role grant 更新角色")
DATABASE_REFUSED = M("the database refused it: {detail}", "数据库拒绝了此操作：{detail}")
EITHER = M("{some} or {last}", "{some}或{last}")
THE_OWNER = M("its owner", "其所有者")
