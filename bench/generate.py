"""Generate a realistic complaint ledger as CSV, in exactly `tsk export --show-pii`'s format.

    python bench/generate.py --count 100000 --seed 7 -o bench/out/ledger-100k.csv
    tsk --db /tmp/l.db import bench/out/ledger-100k.csv

What makes it realistic (and consistent, so `tsk import` takes it as it is):
- arrivals only on plausible days: working days of tsk's own calendar (statutory holidays
  off, 调休 make-up days on), a trickle on weekends and holidays through the phone hotline,
  online banking, SMS and email only; daytime hours per channel; more on Mondays, and
  volume growing year on year;
- refs `TS-YYYY-NNNNNN` sequential per year in order of receipt;
- Chinese customers (surname + given name), valid 18-digit resident ID numbers (GB 11643
  check digit, Guangdong area codes, birth date fitting an adult), mobiles 1[3-9]xxxxxxxxx;
  repeat customers drawn from a pool, so the same person complains more than once;
- ~40 units of a Guangzhou branch network, 3-6 handlers per unit;
- the category/channel/business-type/cause mix of a retail bank (phone and in-person
  dominate; service and process complaints the most common; cause follows category);
- deadlines from `tsk.sla.deadlines(PRESETS['cbrc2012'], calendar, ...)` exactly as `tsk add`
  computes them; group (>= 5 complainants), major and emergency complaints at level 3 with a
  regulator report clock, serious ones at level 2 (tsk.fields.standing); regulator-referred complaints with a referral and their report-back clock;
- outcome as of the end date: most closed within 15 working days, some extended (within the
  60-working-day cap) and a few late; a few rejected (不予受理) or withdrawn; what is still
  open is what arrived recently or is running late; closed rows carry result, resolution,
  notification, satisfaction on follow-up, some compensation, root cause and rectification;
  a few were reopened on appeal (申诉) and closed again.

`--backlog F` leaves a fraction F of all complaints open (a stalled backlog whose clocks
are long past due): with `--count 1000000 --backlog 0.1`, `tsk check` finds ~100k newly
overdue complaints. Deterministic for a given --seed; rows are streamed to the CSV writer,
so memory stays constant whatever --count.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import time
from bisect import bisect_right
from itertools import accumulate
from operator import mul

from tsk import timeutil
from tsk.fields import COMPUTED, EXPORT_FIELDS, FIELDS, standing
from tsk.sla import PRESETS, deadlines, referral_report_due
from tsk.views import flags
from tsk.workdays import build_calendar

CHINA = timeutil.CHINA
POLICY = PRESETS["cbrc2012"]
GROUP_THRESHOLD = 5  # tsk's default setting group_threshold

# -- people ------------------------------------------------------------------------------------
SURNAMES = (  # the common surnames, roughly by frequency
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = [max(1.0, 40 - i * 0.4) for i in range(len(SURNAMES))]
GIVEN_MALE = (
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 建华 建国 志强 志明 俊杰 晓东 国强 文博 子轩 浩然 "
    "宇航 家豪 振宇 海涛 永强 德华 荣光 锦荣 伟东 嘉俊 梓豪 冠宇 少华 卓文 天佑 炳坤 汉文 耀明"
).split()
GIVEN_FEMALE = (
    "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 慧 颖 琳 洁 晶 倩 莉 秀英 桂英 秀兰 玉兰 丽华 美玲 淑珍 晓燕 雅琪 "
    "欣怡 梓涵 诗涵 思琪 嘉欣 佩珊 婉婷 翠屏 惠玲 丽萍 春梅 凤仪 咏诗 海燕 月娥 少芬 洁仪 紫萱 雨桐"
).split()
# Guangdong county-level area codes (the first six digits of an ID number).
AREA_CODES = (
    "440103 440104 440105 440106 440111 440112 440113 440114 440115 440117 440118 440303 440304 440305 "
    "440306 440307 440604 440605 440606 440607 441302 441402 441900 442000 440402 440703 440802 445102 "
    "445202 441202 430102 430611 360102 450103 350102 420106 510107 130102 370102 610113"
).split()
AREA_WEIGHTS = [8 if code.startswith("4401") else 3 if code.startswith("44") else 1 for code in AREA_CODES]
MOBILE_PREFIXES = ("13", "13", "13", "15", "15", "18", "18", "17", "19", "14", "16")  # 1[3-9]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ROADS = ("中山大道", "天河路", "环市东路", "东风中路", "江南大道", "解放北路", "广州大道", "黄埔大道", "番禺大道",
         "新港西路", "工业大道", "机场路", "人民路", "北京路", "沿江中路")
DISTRICTS = ("天河区", "越秀区", "海珠区", "荔湾区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "增城区")


def id_check_digit(first17: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 written X."""
    return "10X98765432"[sum(map(mul, map(int, first17), ID_WEIGHTS)) % 11]


# -- the branch network ----------------------------------------------------------------------------
UNITS = (
    "广州分行营业部", "广州分行个人金融部", "广州分行信用卡中心", "广州分行零售信贷部", "广州分行运营管理部",
    "广州分行电子银行部", "天河支行", "越秀支行", "海珠支行", "荔湾支行", "白云支行", "黄埔支行", "番禺支行",
    "花都支行", "南沙支行", "增城支行", "从化支行", "珠江新城支行", "体育中心支行", "五羊新城支行",
    "东山支行", "北京路支行", "江南西支行", "客村支行", "芳村支行", "西关支行", "三元里支行", "同和支行",
    "科学城支行", "大学城支行", "市桥支行", "新塘支行", "狮岭支行", "金沙洲支行", "员村支行", "沙河支行",
    "岗顶支行", "琶洲支行", "南村支行", "太和支行", "石井支行",
)
# Branch departments get more complaints than a single sub-branch; sub-branches vary in size.
UNIT_WEIGHTS = [4 if u.startswith("广州分行") else 1.5 + (i * 7 % 5) * 0.5 for i, u in enumerate(UNITS)]
HQ_UNIT = "广州分行消费者权益保护部"  # who handles escalated (level 2/3) complaints
REGULATORS = ("国家金融监督管理总局广东监管局", "中国人民银行广东省分行", "广州金融消费纠纷调解中心",
              "12378银行保险消费者投诉维权热线", "广州市人民政府12345热线")

# -- the mix ----------------------------------------------------------------------------------------
KINDS = (("complaint", 85), ("inquiry", 10), ("suggestion", 5))
CHANNELS = (("phone", 40), ("in-person", 30), ("online", 8), ("comment-book", 4), ("regulator", 6), ("letter", 3),
            ("email", 3), ("sms", 5), ("fax", 1))
OFF_DAY_CHANNELS = (("phone", 55), ("online", 30), ("sms", 8), ("email", 7))  # weekends and holidays
CATEGORIES = (("service", 38), ("process", 27), ("product", 15), ("system", 12), ("external", 8))
BUSINESS_TYPES = (("card", 30), ("deposit", 22), ("payment", 18), ("loan", 15), ("other", 8), ("personal-info", 4),
                  ("currency", 3))
CAUSE_BY_CATEGORY = {
    "service": (("service-quality", 80), ("marketing", 8), ("info-safety", 4), ("other", 8)),
    "process": (("rules", 70), ("service-quality", 10), ("choice", 8), ("contract", 6), ("other", 6)),
    "product": (("disclosure", 25), ("returns", 20), ("contract", 25), ("marketing", 20), ("choice", 10)),
    "system": (("facilities", 85), ("funds-safety", 8), ("other", 7)),
    "external": (("funds-safety", 40), ("info-safety", 25), ("other", 35)),
}
SEVERITIES = (("general", 900), ("serious", 85), ("major", 15))
RESULTS = (("upheld", 35), ("partly", 30), ("not-upheld", 35))
NOTIFY = (("phone", 60), ("sms", 18), ("in-person", 10), ("letter", 5), ("email", 4), ("online", 3))
SATISFACTION = (("satisfied", 70), ("fair", 22), ("dissatisfied", 8))
# Handling time in working days after receipt: (share, lowest, highest, kind of case).
DURATIONS = ((0.48, 1, 5, "quick"), (0.30, 6, 12, "normal"), (0.12, 13, 15, "slow"), (0.07, 16, 50, "extended"),
             (0.03, 16, 24, "late"))
# Hours of arrival per channel (24 weights, 0h..23h).
DAY_HOURS = [0] * 8 + [2, 8, 10, 9, 5, 4, 8, 9, 8, 3] + [0] * 6  # counters open ~9:00-17:00
PHONE_HOURS = [0] * 8 + [3, 8, 9, 9, 6, 5, 8, 8, 7, 6, 4, 3, 2, 1] + [0] * 2  # hotline 8:00-22:00
ONLINE_HOURS = [1, 0, 0, 0, 0, 0, 1, 2, 4, 6, 7, 7, 6, 6, 7, 7, 6, 5, 5, 6, 7, 7, 5, 3]
HOURS_BY_CHANNEL = {"phone": PHONE_HOURS, "online": ONLINE_HOURS, "sms": ONLINE_HOURS, "email": ONLINE_HOURS}

SUMMARIES = {
    "service": ("客户反映在{unit}办理{biz}业务时排队等候超过一小时，大堂经理未做引导",
                "客户称柜员服务态度生硬，对其询问不予理睬",
                "客户反映客户经理多次电话推销{biz}产品，要求停止打扰",
                "客户称网点未按公示时间营业，白跑一趟",
                "客户反映柜员办理{biz}业务时操作失误，导致重复办理"),
    "process": ("客户对{biz}业务需提供的材料过多、流程繁琐不满",
                "客户反映{biz}业务办理时限过长，未在承诺时间内完成",
                "客户对代办{biz}业务须本人到场的规定有异议",
                "客户反映销户需要多次往返网点"),
    "product": ("客户认为购买的理财产品收益与宣传不符",
                "客户反映{biz}合同条款未充分说明，产生额外费用",
                "客户对{biz}年费、手续费收取有异议",
                "客户称销售人员未充分揭示产品风险"),
    "system": ("客户反映自助设备吞卡，{biz}业务无法办理",
               "客户称手机银行转账显示失败但账户已扣款",
               "客户反映ATM取款未出钞但账户已扣款",
               "客户反映网银系统升级期间无法登录"),
    "external": ("客户反映银行卡被他人盗刷，要求银行承担责任",
                 "客户称接到冒充银行工作人员的诈骗电话",
                 "客户对第三方支付机构扣款有异议，要求协助处理",
                 "客户反映个人信息疑似被泄露，频繁接到营销电话"),
}
DEMANDS = ("要求赔礼道歉", "要求退还手续费", "要求尽快处理并给予答复", "要求追究相关人员责任", "要求赔偿损失",
           "要求改进服务", "要求说明情况", None, None)
RESOLUTIONS = {
    "upheld": ("经核实情况属实，已向客户致歉并退还相关费用", "经核查系我行操作失误，已更正并向客户道歉",
               "已为客户办理完毕，并对相关人员进行批评教育"),
    "partly": ("经核实部分属实，已向客户解释相关规定并致歉", "已协助客户办理，费用部分减免",
               "已向客户说明业务规则，对服务不足之处致歉"),
    "not-upheld": ("经调阅监控及业务记录，我行按规定办理，已向客户解释", "经核实系客户误解业务规则，已耐心解释",
                   "该业务为监管规定要求，已向客户说明依据"),
}
ROOT_CAUSES = ("员工服务意识不强", "业务流程设计不合理", "高峰期窗口开放不足", "产品信息披露不充分",
               "系统稳定性不足", "员工业务技能不熟练", "营销管理不规范", "自助设备维护不及时")
RECTIFICATIONS = ("加强员工服务礼仪培训", "优化业务流程，精简材料", "高峰期增开弹性窗口", "完善产品说明书及风险提示",
                  "升级系统并加强监控", "开展业务技能考核", "规范营销行为，建立回访机制", "加强自助设备巡检")
REJECT_REASONS = ("投诉事项无事实依据", "投诉内容不属于我行业务范围", "同一事项已处理完毕且无新的事实和理由")
WITHDRAW_REASONS = ("客户表示问题已自行解决，撤回投诉", "客户经解释后表示理解，主动撤回", "客户来电撤回投诉")
APPEAL_REASONS = ("客户对处理结果不满意，提出申诉", "客户提供新的证据材料，申请复查")


def weighted(pairs):
    """(values, cumulative weights) for fast bisect picks."""
    values = [v for v, _ in pairs]
    return values, list(accumulate(w for _, w in pairs))


class Picker:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, table) -> str:
        values, cum = table
        return values[bisect_right(cum, self.rng.random() * cum[-1])]


def staff_of(seed: int) -> dict[str, list[str]]:
    """3-6 handlers per unit, and the consumer-protection department's handlers."""
    rng = random.Random(f"staff-{seed}")
    names, used = {}, set()
    for unit in (*UNITS, HQ_UNIT):
        people = []
        while len(people) < rng.randint(3, 6):
            given = GIVEN_MALE if rng.random() < 0.45 else GIVEN_FEMALE
            name = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0] + rng.choice(given)
            if name not in used:
                used.add(name)
                people.append(name)
        names[unit] = people
    return names


MASK64 = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64: a cheap, well-spread hash, so customer n is derived without a Random()."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


SURNAME_CUM = list(accumulate(SURNAME_WEIGHTS))
AREA_CUM = list(accumulate(AREA_WEIGHTS))
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "foxmail.com", "sina.com")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
SNAPSHOT_ORDINAL = dt.date(2026, 11, 20).toordinal()


def customer(seed: int, number: int) -> tuple[str, str, str, str | None, str | None]:
    """Customer `number` of the pool: always the same person (name, mobile, ID, email, address)."""
    a = _mix(seed * 1_000_003 + number)
    b = _mix(a)
    male = a & 1
    surname = SURNAMES[bisect_right(SURNAME_CUM, (a >> 1) % 100_000 / 100_000 * SURNAME_CUM[-1])]
    given = GIVEN_MALE if male else GIVEN_FEMALE
    name = surname + given[(a >> 20) % len(given)]
    phone = MOBILE_PREFIXES[(a >> 30) % len(MOBILE_PREFIXES)] + f"{b % 1_000_000_000:09d}"
    born = dt.date.fromordinal(SNAPSHOT_ORDINAL - 20 * 365 - (b >> 32) % (60 * 365))  # an adult all through the span
    sequence = ((b >> 48) % 500) * 2 + male  # odd for men, even for women (GB 11643)
    area = AREA_CODES[bisect_right(AREA_CUM, (a >> 36) % 10_000 / 10_000 * AREA_CUM[-1])]
    first17 = f"{area}{born.year:04d}{born.month:02d}{born.day:02d}{sequence:03d}"
    id_number = first17 + id_check_digit(first17)
    c = _mix(b)
    email = address = None
    if c % 100 < 12:
        email = "".join(LETTERS[(c >> (8 + 5 * i)) % 26] for i in range(4 + (c >> 40) % 5)) + f"{(c >> 45) % 999 + 1}@" \
                + EMAIL_DOMAINS[(c >> 55) % len(EMAIL_DOMAINS)]
    if (c >> 7) % 100 < 35:
        d = _mix(c)
        address = f"广州市{DISTRICTS[d % len(DISTRICTS)]}{ROADS[(d >> 8) % len(ROADS)]}{(d >> 16) % 999 + 1}号" + \
                  (f"{(d >> 26) % 30 + 1}{(d >> 32) % 9 + 1:02d}房" if (d >> 40) % 10 < 7 else "")
    return name, phone, id_number, email, address


def at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), CHINA)


def txt(moment: dt.datetime) -> str:
    return moment.isoformat()  # the stored form, as timeutil.to_text (no microseconds here)


class Generator:
    def __init__(self, count: int, seed: int, start: dt.date, end: dt.date, backlog: float):
        self.count, self.seed, self.start, self.end, self.backlog = count, seed, start, end, backlog
        self.rng = random.Random(seed)
        self.p = Picker(self.rng)
        self.calendar = build_calendar()
        for clock in ("ack", "resolution", "cap", "report", "referral_report"):
            # The deadline cache below is keyed by date: valid for working-day periods only.
            assert getattr(POLICY, clock).unit == "working_days", clock
        self.as_of = at(end, 18 * 60)  # the snapshot: what had happened by 18:00 on the end date
        self.staff = staff_of(seed)
        self.pool = max(10, int(count * 0.8))  # repeat customers: ~20% of complaints are a repeat customer's
        self.t = {name: weighted(pairs) for name, pairs in (
            ("kind", KINDS), ("channel", CHANNELS), ("offday", OFF_DAY_CHANNELS), ("category", CATEGORIES),
            ("business", BUSINESS_TYPES), ("severity", SEVERITIES), ("result", RESULTS), ("notify", NOTIFY),
            ("satisfaction", SATISFACTION), ("unit", tuple(zip(UNITS, UNIT_WEIGHTS))))}
        self.t.update({f"cause:{k}": weighted(v) for k, v in CAUSE_BY_CATEGORY.items()})
        self.hours = {ch: weighted(tuple(enumerate(h))) for ch, h in
                      (("day", DAY_HOURS), ("phone", PHONE_HOURS), ("online", ONLINE_HOURS))}
        self._deadlines: dict = {}
        self._shift: dict = {}
        self.stats: dict[str, int] = {}

    # -- days ---------------------------------------------------------------------------------
    def day_weights(self) -> list[tuple[dt.date, bool, float]]:
        out = []
        day = self.start
        span = (self.end - self.start).days or 1
        while day <= self.end:
            workday = self.calendar.is_workday(day)
            growth = 1 + 0.25 * (day - self.start).days / 365  # more complaints as the network grows
            weight = (1.25 if day.weekday() == 0 else 0.9 if day.weekday() == 4 else 1.0) if workday else 0.12
            out.append((day, workday, weight * growth))
            day += dt.timedelta(days=1)
        assert span
        return out

    def shift(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        found = self._shift.get(key)
        if found is None:
            found = self._shift[key] = self.calendar.shift(day, n)
        return found

    def clocks(self, received: dt.datetime, kind: str, severity: str, report: bool):
        key = (received.date(), kind, severity, report)
        found = self._deadlines.get(key)
        if found is None:
            found = self._deadlines[key] = deadlines(POLICY, self.calendar, received, kind=kind, severity=severity,
                                                     report_to_regulator=report)
        return found

    def moment_on(self, day: dt.date, earliest: dt.datetime | None = None) -> dt.datetime:
        """Office hours on `day` (9:00-17:59), after `earliest` when that is the same day."""
        low = 9 * 60
        if earliest is not None and earliest.date() == day:
            low = max(low, earliest.hour * 60 + earliest.minute + 5)
        high = max(low, 18 * 60 - 1)
        return at(day, min(23 * 60 + 59, self.rng.randint(low, high)))

    # -- rows ----------------------------------------------------------------------------------
    def rows(self):
        days = self.day_weights()
        total = sum(w for _, _, w in days)
        seq: dict[int, int] = {}
        done = 0.0
        emitted = 0
        for day, workday, weight in days:
            done += weight
            n = round(self.count * done / total) - emitted
            if n <= 0:
                continue
            emitted += n
            arrivals = []
            for _ in range(n):
                channel = self.p.pick(self.t["channel" if workday else "offday"])
                hours = self.hours["phone" if channel == "phone" else "online" if channel in HOURS_BY_CHANNEL else "day"]
                hour = self.p.pick(hours)
                arrivals.append((hour * 60 + self.rng.randint(0, 59), channel))
            arrivals.sort()
            for minutes, channel in arrivals:
                received = at(day, minutes)
                number = seq[day.year] = seq.get(day.year, 0) + 1
                yield self.row(f"TS-{day.year}-{number:06d}", received, channel)

    def row(self, ref: str, received: dt.datetime, channel: str) -> dict:
        rng, pick = self.rng, self.p.pick
        day = received.date()
        kind = pick(self.t["kind"])
        category = pick(self.t["category"])
        business = pick(self.t["business"])
        cause = pick(self.t[f"cause:{category}"])
        severity = pick(self.t["severity"])
        unit = pick(self.t["unit"])
        r = rng.random()
        group_size = 1 if r < 0.975 else rng.randint(2, 4) if r < 0.995 else rng.randint(5, 60)
        # What the classification gives, by tsk's own rule (fields.standing): group, emergency, level, report.
        is_group, emergency, least, report = standing({"group_size": group_size, "cause": cause, "severity": severity},
                                                      GROUP_THRESHOLD)
        # A skewed draw from the customer pool: some customers complain again and again.
        number = int(self.pool * rng.random() ** 1.15)
        name, phone, id_number, email, address = customer(self.seed, number)
        if rng.random() < 0.04:
            phone = None  # a letter or comment-book entry without a phone
        if channel not in ("in-person", "regulator", "letter") and rng.random() < 0.45:
            id_number = None  # not asked on the phone or online
        if channel != "letter" and rng.random() < 0.7:
            address = None
        local = self.staff[unit]
        subject = rng.choice(local) if category == "service" and rng.random() < 0.35 else None
        conflicts = json.dumps([rng.choice(local)], ensure_ascii=False) if rng.random() < 0.01 else None
        referred_by = referral_ref = None
        if channel == "regulator":
            referred_by = rng.choice(REGULATORS)
            referral_ref = f"{'粤金监' if '监管' in referred_by else '粤'}转〔{day.year}〕{rng.randint(1, 9999)}号"
        direct = 1 if channel == "regulator" and rng.random() < 0.3 or rng.random() < 0.01 else 0
        clocks = self.clocks(received, kind, severity, report)
        text = rng.choice(SUMMARIES[category]).format(unit=unit, biz={"card": "银行卡", "deposit": "储蓄", "payment": "转账汇款",
                          "loan": "贷款", "other": "其他", "personal-info": "个人信息查询", "currency": "零钞兑换"}[business])
        c = {
            "ref": ref, "status": "open", "kind": kind, "channel": channel, "category": category,
            "business_type": business, "cause": cause, "severity": severity, "level": least,
            "received_at": txt(received), "customer_name": name, "customer_phone": phone,
            "customer_id_number": id_number, "group_size": group_size, "unit": unit, "subject_staff": subject,
            "assignee": None, "policy": POLICY.name, "ack_due": clocks.ack_due.isoformat(),
            "due": clocks.due.isoformat(), "cap_due": clocks.cap_due.isoformat(),
            "report_due": clocks.report_due.isoformat() if clocks.report_due else None, "extended_days": 0,
            "closed_at": None, "result": None, "resolution": None, "compensation_fen": None, "root_cause": None,
            "rectification": None, "satisfaction": None, "policy_version": POLICY.version,
            "customer_email": email, "customer_address": address, "summary": text,
            "demand": rng.choice(DEMANDS), "referred_by": referred_by, "referral_ref": referral_ref,
            "direct": direct, "repeat_of": None, "is_group": is_group, "emergency": emergency, "conflicts": conflicts,
            "first_handler": rng.choice(local), "assignee_unit": None, "acked_at": None, "reported_at": None,
            "reopened": 0, "notified_via": None, "reason": None,
        }
        self.history(c, received, clocks, subject, local)
        self.stats[c["status"]] = self.stats.get(c["status"], 0) + 1
        return c

    def history(self, c: dict, received: dt.datetime, clocks, subject, local) -> None:
        """What happened to it by the snapshot time: ack, assignment, report, extension, outcome."""
        rng, as_of = self.rng, self.as_of
        day = received.date()
        # 受理告知: mostly the same or the next working day; a few late.
        ack_day = day if rng.random() < 0.6 else self.shift(day, 1 if rng.random() < 0.97 else rng.randint(2, 4))
        acked = self.moment_on(ack_day, received)
        if acked < received:
            acked = received + dt.timedelta(minutes=10)
        if acked <= as_of:
            c["acked_at"] = txt(acked)
        # The handler: someone of the unit other than the subject; escalated ones by the branch.
        if acked <= as_of or rng.random() < 0.5:
            if c["level"] >= 2 or rng.random() < 0.06:
                if c["level"] < 2:
                    c["level"] = 2 if rng.random() < 0.8 else 3
                c["assignee"], c["assignee_unit"] = rng.choice(self.staff[HQ_UNIT]), HQ_UNIT
            else:
                c["assignee"] = rng.choice([p for p in local if p != subject] or local)
                c["assignee_unit"] = c["unit"]
        # Group/major: reported to the regulator by the next working day (a few late).
        if c["report_due"]:
            reported = self.moment_on(day if rng.random() < 0.7 else self.shift(day, 1 if rng.random() < 0.95 else 3),
                                      received)
            if reported <= as_of:
                c["reported_at"] = txt(reported)
        # The outcome and when it came.
        if self.backlog and rng.random() < self.backlog:
            return  # stalled: still open, clocks running out
        r = rng.random()
        if c["kind"] == "complaint" and r < 0.03:
            fate, worked = "rejected", rng.randint(1, 3)
        elif r < 0.05:
            fate, worked = "withdrawn", rng.randint(1, 10)
        else:
            fate = "closed"
            r, acc = rng.random(), 0.0
            for share, low, high, how in DURATIONS:  # noqa: B007 - the chosen row is used after the loop
                acc += share
                if r < acc:
                    break
            worked = rng.randint(low, high)
            if c["kind"] == "inquiry":
                worked, how = rng.randint(1, 3), "quick"
            if how == "extended":
                extension = min(45, worked - 15 + rng.randint(0, 5))
                decided = self.moment_on(self.shift(day, rng.randint(10, 15)), received)  # before the old due
                if decided <= as_of:
                    c["extended_days"] = extension
                    c["due"] = self.shift(dt.date.fromisoformat(c["due"]), extension).isoformat()
        end_day = self.shift(day, worked)
        ended = self.moment_on(end_day, received)
        if ended > as_of:
            return  # not yet: still open
        c["closed_at"] = txt(ended)
        c["status"] = fate
        if fate == "rejected":
            c["reason"], c["notified_via"] = rng.choice(REJECT_REASONS), self.p.pick(self.t["notify"])
            return
        if fate == "withdrawn":
            c["reason"] = rng.choice(WITHDRAW_REASONS)
            return
        self.outcome(c)
        if c["channel"] == "regulator" or c["referred_by"]:
            c["report_due"] = referral_report_due(POLICY, self.calendar, ended, kind=c["kind"], severity=c["severity"]).isoformat()
            c["reported_at"] = None
            back = self.moment_on(self.shift(ended.date(), rng.randint(1, 3)) if rng.random() < 0.9 else ended.date(), ended)
            if back <= as_of:
                c["reported_at"] = txt(back)
        # An appeal (申诉): reopened with fresh clocks, then closed again.
        if rng.random() < 0.006:
            reopened = self.moment_on(self.shift(ended.date(), rng.randint(2, 20)), ended)
            if reopened > as_of:
                return
            fresh = deadlines(POLICY, self.calendar, reopened, kind=c["kind"], severity=c["severity"], report_to_regulator=False)
            c.update(status="open", reopened=1, reason=rng.choice(APPEAL_REASONS), ack_due=fresh.ack_due.isoformat(),
                     due=fresh.due.isoformat(), cap_due=fresh.cap_due.isoformat(), acked_at=None, extended_days=0,
                     closed_at=None, result=None, resolution=None, notified_via=None, satisfaction=None)
            acked = self.moment_on(self.shift(reopened.date(), 1), reopened) if rng.random() < 0.5 else reopened + dt.timedelta(minutes=30)
            if acked <= as_of:
                c["acked_at"] = txt(acked)
            again = self.moment_on(self.shift(reopened.date(), rng.randint(3, 15)), reopened)
            if again <= as_of:
                c["status"], c["closed_at"] = "closed", txt(again)
                self.outcome(c)

    def outcome(self, c: dict) -> None:
        rng, pick = self.rng, self.p.pick
        result = pick(self.t["result"])
        c["result"] = result
        c["resolution"] = rng.choice(RESOLUTIONS[result])
        c["notified_via"] = pick(self.t["notify"])
        if result != "not-upheld" and rng.random() < 0.12:
            yuan = rng.choice((20, 50, 100, 200, 300, 500, 800, 1000, 2000, 5000))
            c["compensation_fen"] = yuan * 100 if rng.random() < 0.7 else rng.randint(100, 500_000)
        else:
            c["compensation_fen"] = None
        if result != "not-upheld" and rng.random() < 0.6 or rng.random() < 0.1:
            k = rng.randrange(len(ROOT_CAUSES))
            c["root_cause"] = ROOT_CAUSES[k]
            c["rectification"] = RECTIFICATIONS[k] if rng.random() < 0.85 else None
        c["satisfaction"] = pick(self.t["satisfaction"]) if rng.random() < 0.85 else None


DEFAULTS = {f.name: f.default for f in FIELDS if f.default is not COMPUTED}


def export_values(c: dict) -> list:
    """The CSV cells of `tsk export --show-pii` for the record `c` (views.export_record and
    output.cell: null empty, lists ';'-joined, compensation in yuan). The csv module writes
    None as an empty cell and numbers with str(), exactly as output.cell does."""
    for name, default in DEFAULTS.items():  # a field the generator does not make: its default
        c.setdefault(name, default)
    fen = c["compensation_fen"]
    c["compensation"] = None if fen is None else fen / 100
    c["flags"] = ";".join(flags(c))
    return [c[k] for k in EXPORT_FIELDS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="complaints (e.g. 1000, 100000, 1000000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", default="2024-01-01", help="first day of arrivals (default 2024-01-01)")
    parser.add_argument("--end", default="2026-11-20", help="last day of arrivals, and the snapshot date")
    parser.add_argument("--backlog", type=float, default=0.0,
                        help="fraction of complaints left open and stalled (their clocks run out)")
    parser.add_argument("-o", "--output", default="-", help="CSV file (default stdout)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    gen = Generator(args.count, args.seed, start, end, args.backlog)
    began = time.perf_counter()
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_FIELDS)
        n = 0
        for c in gen.rows():
            writer.writerow(export_values(c))
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    if not args.quiet:
        shares = ", ".join(f"{k} {v} ({v / n:.1%})" for k, v in sorted(gen.stats.items()))
        print(f"generated {n} complaints {start}..{end} (seed {args.seed}) in {time.perf_counter() - began:.1f} s: "
              f"{shares}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
