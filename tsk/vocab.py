"""Enumerated values: an English key for machines, a Chinese label for people.

Input accepts either; CSV and JSON carry the key; tables show the label. One table per
field, so a new channel or cause is added here and nowhere else.
"""

from __future__ import annotations

from typing import NamedTuple

from tsk import messages as msg
from tsk.errors import InvalidInput, echo


class Vocab(NamedTuple):
    field: str
    entries: tuple[tuple[str, str], ...]  # (key, label), in display order
    field_zh: str = ""  # the field's name in Chinese, for messages
    # Other spellings accepted on input (a label or key used before, the words of a source),
    # each to its key; never shown.
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def named(self) -> msg.Message:
        """The field's name, in either language."""
        return msg.term(self.field, self.field_zh or self.field)

    def term(self, key: str) -> msg.Message:
        """A value as a message says it: its key in English, its label in Chinese."""
        return msg.term(key, self.label(key))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.entries)

    def label(self, key: str | None) -> str:
        if key is None:
            return ""
        return dict(self.entries).get(key, key)

    def spellings(self) -> dict[str, str]:
        """Every accepted spelling (the key, the label, each part of a label) to its key."""
        table: dict[str, str] = {}
        for key, label in self.entries:
            for spelling in (key, label, *label.split("/")):
                table.setdefault(spelling, key)
        for spelling, key in self.aliases:
            table.setdefault(spelling, key)
        return table

    def choices(self) -> msg.Listed:
        """Every value, as an error lists them: `key (label)`, in Chinese `label（key）`."""
        return msg.Listed(msg.term(f"{key} ({label})", f"{label}（{key}）") for key, label in self.entries)

    def parse(self, text: str) -> str:
        """The key for an English key (in any case) or Chinese label; InvalidInput naming the choices."""
        value = text.strip()
        spellings = self.spellings()
        key = spellings.get(value) or spellings.get(value.lower())
        if key is None:
            raise InvalidInput(msg.NOT_ONE_OF, what=self.named, value=echo(text), choices=self.choices())
        return key


KIND = Vocab("kind", (("complaint", "投诉"), ("suggestion", "建议"), ("inquiry", "咨询")), "投诉类型")

CHANNEL = Vocab(
    "channel",
    (
        ("phone", "电话"),
        ("in-person", "现场"),
        ("letter", "信函"),
        ("email", "电子邮件"),
        ("fax", "传真"),
        ("sms", "短信"),
        ("online", "网络"),
        ("comment-book", "意见簿/意见箱"),
        ("regulator", "监管转办"),
    ),
    "投诉渠道",
)

CATEGORY = Vocab(
    "category",
    (
        ("service", "服务类"),
        ("product", "产品类"),
        ("process", "流程类"),
        ("system", "系统类"),
        ("external", "外部类"),
    ),
    "投诉类别",
)

# JR/T 0169-2018 《金融消费者投诉统计分类及编码 银行业金融机构》: its 14 business categories
# (业务类别), in the standard's order. The seven classes tsk offered before keep their keys
# (deposit, loan, card, payment, currency, personal-info, other): each is one class of the
# standard, so what was recorded before is a value of today's list, unchanged.
BUSINESS_TYPE = Vocab(
    "business type",
    (
        ("card", "银行卡"),
        ("debt-collection", "债务催收"),
        ("loan", "贷款"),
        ("payment", "支付结算"),
        ("wealth-management", "自营理财"),
        ("other-intermediary", "其他中间业务"),
        ("agency", "银行代理业务"),
        ("personal-info", "个人金融信息"),
        ("forex", "外汇"),
        ("deposit", "人民币储蓄"),
        ("precious-metals", "贵金属"),
        ("treasury", "国库"),
        ("currency", "人民币管理"),
        ("other", "其他"),
    ),
    "业务类型",
)

# JR/T 0169-2018: the 12 causes of a complaint (投诉原因), and 其他. The eleven tsk offered before
# keep their keys and are accepted by their former labels too.
CAUSE = Vocab(
    "cause",
    (
        ("service-quality", "服务态度及服务质量"),
        ("facilities", "服务设施、设备、业务系统"),
        ("rules", "管理制度、业务规则与流程"),
        ("marketing", "营销方式和手段"),
        ("disclosure", "信息披露"),
        ("choice", "自主选择权"),
        ("pricing", "定价收费"),
        ("returns", "产品收益"),
        ("contract", "合同条款"),
        ("funds-safety", "资金安全"),
        ("info-safety", "信息安全"),
        ("collection", "债务催收方式和手段"),
        ("other", "其他"),
    ),
    "投诉原因",
    aliases=(("服务设施设备业务系统", "facilities"), ("管理制度业务规则与流程", "rules"), ("营销方式", "marketing"),
             ("消费者资金安全", "funds-safety"), ("消费者信息安全", "info-safety")),
)

SEVERITY = Vocab("severity", (("general", "一般"), ("serious", "较重"), ("major", "重大")), "严重程度")

STATUS = Vocab(
    "status",
    (("open", "处理中"), ("closed", "已办结"), ("rejected", "不予受理"), ("withdrawn", "已撤回"),
     # a repeat within the first complaint's limit, merged into it (中国银保监会令2020年第3号 第十八条)
     ("merged", "已合并")),
    "状态",
)

RESULT = Vocab("result", (("upheld", "支持"), ("partly", "部分支持"), ("not-upheld", "不支持")), "处理结果")

SATISFACTION = Vocab(
    "satisfaction", (("satisfied", "满意"), ("fair", "基本满意"), ("dissatisfied", "不满意")), "客户满意度",
)

# How the customer was told (受理告知, extension, result): 银监发〔2012〕13号 第七条、第九条.
NOTIFY_VIA = Vocab(
    "notification channel",
    (
        ("sms", "短信"),
        ("phone", "电话"),
        ("email", "电子邮件"),
        ("letter", "信函"),
        ("in-person", "当面"),
        ("online", "网络"),
    ),
    "告知方式",
)

CLOCK = Vocab(
    "clock",
    (("ack", "受理告知"), ("resolution", "处理时限"), ("cap", "最长时限"), ("report", "报告监管"), ("form", "处理表"),
     ("supervision", "督办表"), ("referral", "转办时限"), ("review", "核查时限")), "时限",
)

# Who complained, when not the customer: an agent (委托他人代为投诉), the customer's heir, or a
# guardian (法定代理人) — 中国银保监会令2020年第3号 第十三条、第十四条.
RELATIONSHIP = Vocab(
    "relationship",
    (("agent", "受托人/代理人"), ("heir", "继承人"), ("guardian", "监护人/法定代理人"), ("other", "其他")),
    "与客户的关系",
)

# What the customer went on to after a decision (救济途径, 中国银保监会令2020年第3号 第十九条).
REMEDY = Vocab("remedy", (("mediation", "调解"), ("arbitration", "仲裁"), ("lawsuit", "诉讼")), "救济途径")

LEVEL = {1: "网点/支行", 2: "分行", 3: "总行/应急小组"}
TOP_LEVEL = 3

# `tsk report stats --by` and `report trend --by`: what a report groups by (tsk.reports.DIMENSIONS
# defines each; a test holds the two to the same keys).
BY = Vocab("--by", (("unit", "单位/被投诉单位"), ("assignee", "处理人"), ("category", "类别/投诉类别"),
                    ("channel", "渠道/投诉渠道"), ("business-type", "业务类型"), ("cause", "原因/投诉原因"),
                    ("severity", "程度/严重程度"), ("kind", "类型/投诉类型"), ("month", "月份")), "--by")
