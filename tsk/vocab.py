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

# PBoC 金融消费者投诉统计分类及编码 (banking), class B: business type.
BUSINESS_TYPE = Vocab(
    "business type",
    (
        ("deposit", "人民币储蓄"),
        ("loan", "贷款"),
        ("card", "银行卡"),
        ("payment", "支付结算"),
        ("currency", "人民币管理"),
        ("personal-info", "个人金融信息"),
        ("other", "其他"),
    ),
    "业务类型",
)

# PBoC class C: cause of the complaint.
CAUSE = Vocab(
    "cause",
    (
        ("service-quality", "服务态度及服务质量"),
        ("facilities", "服务设施设备业务系统"),
        ("rules", "管理制度业务规则与流程"),
        ("marketing", "营销方式"),
        ("disclosure", "信息披露"),
        ("returns", "产品收益"),
        ("choice", "自主选择权"),
        ("contract", "合同条款"),
        ("funds-safety", "消费者资金安全"),
        ("info-safety", "消费者信息安全"),
        ("other", "其他"),
    ),
    "投诉原因",
)

SEVERITY = Vocab("severity", (("general", "一般"), ("serious", "较重"), ("major", "重大")), "严重程度")

STATUS = Vocab(
    "status",
    (("open", "处理中"), ("closed", "已办结"), ("rejected", "不予受理"), ("withdrawn", "已撤回")), "状态",
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
     ("supervision", "督办表"), ("referral", "转办时限")), "时限",
)

LEVEL = {1: "网点/支行", 2: "分行", 3: "总行/应急小组"}
TOP_LEVEL = 3

# `tsk report stats --by` and `report trend --by`: what a report groups by (tsk.reports.DIMENSIONS
# defines each; a test holds the two to the same keys).
BY = Vocab("--by", (("unit", "单位/被投诉单位"), ("assignee", "处理人"), ("category", "类别/投诉类别"),
                    ("channel", "渠道/投诉渠道"), ("business-type", "业务类型"), ("cause", "原因/投诉原因"),
                    ("severity", "程度/严重程度"), ("kind", "类型/投诉类型"), ("month", "月份")), "--by")
