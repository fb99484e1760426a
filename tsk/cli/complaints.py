"""The commands of a complaint's life: `add`, `list`, `show`, every change (ack … reopen) and
`verify`. Thin: each parses its options, calls one function of the core and prints."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Literal, Optional

import typer

from tsk import messages as msg
from tsk import timeutil, vocab
from tsk.cli.common import (
    DATE_FORMS,
    AssigneeFilter,
    AtOption,
    CategoryFilter,
    FormatOption,
    OverrideOption,
    RefArgument,
    SinceFilter,
    StatusOption,
    UnitFilter,
    UntilFilter,
    err,
    error_line,
    ledger_of,
    one_of,
    say,
)
from tsk.errors import InvalidInput, TskError
from tsk.render import output
from tsk.timeutil import due_shown as shown

app = typer.Typer()
MAX_ROWS = 100_000_000  # what `--limit` takes: any more is all (and SQLite's LIMIT is a 64-bit integer)


# -- recording complaints -------------------------------------------------------------------
def _ask_missing(values: dict) -> None:
    """Prompt for missing required values at a terminal; a usage error without one."""
    from tsk import fields

    missing = [f for f in fields.ASKED if not (values.get(f.option) or "").strip()]
    if not missing:
        return
    if not sys.stdin.isatty():
        names = ", ".join("--" + f.option.replace("_", "-") for f in missing)
        raise InvalidInput(msg.MISSING_NOT_ASKED, names=names)
    for f in missing:
        label = f.label if msg.language() == "zh" else f"{f.label} {f.words}"  # the field as a person knows it
        if f.vocab:
            label += " [" + ", ".join(f"{key}/{name}" for key, name in f.vocab.entries) + "]"
        while True:
            answer = typer.prompt(label).strip()
            if not answer:
                continue
            if f.vocab:
                try:
                    f.vocab.parse(answer)
                except InvalidInput as exc:
                    err(error_line(exc.said))
                    continue
            values[f.option] = answer
            break


@app.command()
def add(
    ctx: typer.Context,
    customer: Annotated[Optional[str], typer.Option(metavar="NAME", help="Customer name (客户姓名).")] = None,
    phone: Annotated[Optional[str], typer.Option(metavar="PHONE", help="Customer phone.")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", metavar="ID", help="Resident ID number (身份证号).")] = None,
    email: Annotated[Optional[str], typer.Option(metavar="EMAIL", help="Customer email.")] = None,
    address: Annotated[Optional[str], typer.Option(metavar="TEXT", help="Customer address.")] = None,
    channel: Annotated[Optional[str], typer.Option(metavar="CHANNEL", help=one_of(vocab.CHANNEL, "How it came in"))] = None,
    kind: Annotated[str, typer.Option(metavar="KIND", help=one_of(vocab.KIND, "Kind"))] = "complaint",
    category: Annotated[Optional[str], typer.Option(metavar="CATEGORY", help=one_of(vocab.CATEGORY, "Category"))] = None,
    business_type: Annotated[Optional[str], typer.Option("--business-type", metavar="TYPE", help=one_of(vocab.BUSINESS_TYPE, "PBoC business type"))] = None,
    cause: Annotated[Optional[str], typer.Option(metavar="CAUSE", help=one_of(vocab.CAUSE, "PBoC cause"))] = None,
    severity: Annotated[str, typer.Option(metavar="SEVERITY", help=one_of(vocab.SEVERITY, "Severity"))] = "general",
    unit: Annotated[Optional[str], typer.Option(metavar="UNIT", help="Unit complained about (被投诉单位).")] = None,
    subject_staff: Annotated[Optional[str], typer.Option("--subject-staff", metavar="NAME", help="Staff member complained about (回避).")] = None,
    conflict: Annotated[Optional[list[str]], typer.Option("--conflict", metavar="NAME", help="Someone else with a direct interest (repeatable).")] = None,
    group_size: Annotated[int, typer.Option("--group-size", metavar="N", help="Number of complainants.")] = 1,
    summary: Annotated[Optional[str], typer.Option(metavar="TEXT", help="What happened (投诉内容).")] = None,
    demand: Annotated[Optional[str], typer.Option(metavar="TEXT", help="What the customer asks for (诉求).")] = None,
    received: Annotated[Optional[str], typer.Option(metavar="DATE", help=f"When received (default now): {DATE_FORMS}.")] = None,
    policy: Annotated[Optional[str], typer.Option(metavar="NAME", help="Deadline policy (default: the ledger's).")] = None,
    referred_by: Annotated[Optional[str], typer.Option("--referred-by", metavar="NAME", help="Referring authority (转办机关).")] = None,
    referral_ref: Annotated[Optional[str], typer.Option("--referral-ref", metavar="TEXT", help="The referral's reference no.")] = None,
    direct: Annotated[bool, typer.Option("--direct", help="越级: the customer went over the unit's head.")] = False,
    referral_due: Annotated[Optional[str], typer.Option(
        "--referral-due", metavar="DATE", help="A referred complaint: the referring authority's own deadline (转办时限).")] = None,
    form_at: Annotated[Optional[str], typer.Option(
        "--form-at", metavar="DATE", help="A policy with a 处理表 clock (gdrcc2008): when the 处理表 reached the 受理部门 (default now).")] = None,
    emergency: Annotated[bool, typer.Option("--emergency", help="应急: a sudden or complex case for the emergency plan "
                                                                 "(group complaints and fraud or account security are anyway).")] = False,
    complainant: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="Who complained, when not the customer (投诉人: an agent, heir or guardian); with --relationship.")] = None,
    relationship: Annotated[Optional[str], typer.Option(
        metavar="RELATIONSHIP", help=one_of(vocab.RELATIONSHIP, "The complainant's to the customer"))] = None,
    override_recusal: OverrideOption = None,
    fmt: Annotated[Literal["table", "json"], typer.Option("--format", "-f", help="table for people; json (the record) for scripts.")] = "table",
) -> None:
    """Record a complaint; prints its ref and deadlines."""
    from tsk import lifecycle, views

    values: dict[str, Any] = {"customer": customer, "channel": channel, "category": category, "business_type": business_type,
              "cause": cause, "unit": unit, "summary": summary}
    _ask_missing(values)
    ledger = ledger_of(ctx, create=True)
    result = lifecycle.register(ledger, lifecycle.Intake(
        **values, kind=kind, severity=severity, phone=phone, id_number=id_number, email=email, address=address,
        group_size=group_size, subject_staff=subject_staff, conflicts=conflict or [], demand=demand, received=received,
        policy=policy, referred_by=referred_by, referral_ref=referral_ref, direct=direct, referral_due=referral_due,
        form_at=form_at, emergency=emergency, complainant=complainant, relationship=relationship), override_recusal)
    c = result.complaint
    if result.repeat_of:
        err(msg.LIKELY_REPEAT(ref=result.repeat_of))
    if fmt == "json":
        print(output.json_text(views.complaint_json(c, show_pii=False, today=timeutil.AsOf.today())))
        return
    say(msg.REGISTERED(ref=c["ref"], policy=c["policy"], version=c["policy_version"], level=views.level_label(c["level"]),
                       flags=_flags(c)))
    say(msg.ADD_ACK_DUE(due=shown(c["ack_due"])))
    if c["form_due"]:
        filed = msg.FORM_FILED(at=c["form_at"][:16].replace("T", " ")) if c["form_at"] else ""
        say(msg.ADD_FORM_DUE(due=shown(c["form_due"]), filed=filed))
    if c["supervision_due"]:
        say(msg.ADD_SUPERVISION_DUE(due=shown(c["supervision_due"])))
    say(msg.ADD_DUE(due=shown(c["due"])))
    say(msg.ADD_CAP_DUE(due=shown(c["cap_due"])))
    if c["report_due"]:
        say(msg.ADD_REPORT_DUE(due=shown(c["report_due"])))
    if c["referral_due"]:
        say(msg.ADD_REFERRAL_DUE(due=shown(c["referral_due"])))


def _flags(c: dict) -> str:
    """The complaint's flags after a confirmation: ` [群体 应急]`, or nothing."""
    from tsk import views

    flags = views.flags(c)
    return f" [{views.flags_label(flags)}]" if flags else ""


@app.command("list")
def list_(
    ctx: typer.Context,
    status: StatusOption = "open",
    unit: UnitFilter = None,
    assignee: AssigneeFilter = None,
    category: CategoryFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    limit: Annotated[int, typer.Option(metavar="N", help="At most this many rows (0: all).", min=0, max=MAX_ROWS)] = 0,
    show_pii: Annotated[bool, typer.Option("--show-pii", help="Unmasked phone, ID number, email and address (recorded).")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Complaints, direct (越级) first, then soonest due."""
    from tsk import listing
    from tsk.render import complaints

    ledger = ledger_of(ctx)
    filters = listing.Filters.parse(status=status, unit=unit, assignee=assignee, category=category, since=since, until=until)
    rows = listing.complaints(ledger, filters, limit=limit, show_pii=show_pii)
    total = listing.count(ledger, filters) if limit and len(rows) == limit else len(rows)
    complaints.emit_list(rows, fmt, total=total)


@app.command()
def show(
    ctx: typer.Context,
    ref: RefArgument,
    fmt: Annotated[Literal["table", "json", "md", "html"], typer.Option(
        "--format", "-f", help="table or json; with --form: table (Markdown), md or html.")] = "table",
    form: Annotated[Optional[str], typer.Option(
        metavar="FORM", help="handling (客户投诉处理表) or supervision (客户投诉处理督办表).")] = None,
    show_pii: Annotated[bool, typer.Option("--show-pii", help="Unmasked phone, ID number, email and address (recorded).")] = False,
) -> None:
    """One complaint with its whole history."""
    from tsk import listing
    from tsk.render import complaints

    if form is None and fmt in ("md", "html"):
        raise InvalidInput(msg.FORMAT_FOR_FORM_ONLY, fmt=fmt)
    if form is not None and fmt == "json":
        raise InvalidInput(msg.JSON_NOT_FOR_FORM)
    ledger = ledger_of(ctx)
    if form is not None:
        from tsk.render import forms

        print(forms.render(ledger, ref, form, "html" if fmt == "html" else "md", show_pii=show_pii))
        return
    view = listing.complaint_with_history(ledger, ref, show_pii=show_pii)
    if fmt == "json":
        print(output.json_text(view))
    else:
        reading = "working_days"
        if view["paused_days"] or view["extended_days"]:  # only a count of days needs the policy's reading of a day
            policy = ledger.policy(view["policy"], view["policy_version"])  # (policies and the calendar load only then)
            reading = policy.for_case(kind=view["kind"], severity=view["severity"]).reading
        complaints.print_complaint(view, reading)


# -- changing complaints ---------------------------------------------------------------------
ViaOption = Annotated[str, typer.Option(metavar="CHANNEL", help=one_of(vocab.NOTIFY_VIA, "How the customer was told"))]
NotifiedViaOption = Annotated[str, typer.Option(
    "--notified-via", metavar="CHANNEL", help=one_of(vocab.NOTIFY_VIA, "How the customer was told"))]


def text_option(help: str):  # noqa: A002 - typer's word
    return typer.Option(metavar="TEXT", help=help)


@app.command()
def ack(ctx: typer.Context, ref: RefArgument, via: ViaOption, at: AtOption = None,
        override_recusal: OverrideOption = None) -> None:
    """Record that the customer was told of acceptance, time limit and contact (受理告知)."""
    from tsk import lifecycle

    c = lifecycle.acknowledge(ledger_of(ctx), ref, via, at, override_recusal)
    say(msg.ACKNOWLEDGED(ref=c["ref"], via=vocab.NOTIFY_VIA.term(vocab.NOTIFY_VIA.parse(via)), due=shown(c["due"])))


@app.command()
def assign(ctx: typer.Context, ref: RefArgument,
           to: Annotated[str, typer.Option("--to", metavar="NAME", help="The handler (处理人).")],
           unit: Annotated[Optional[str], typer.Option(metavar="UNIT", help="The handler's unit.")] = None,
           override_recusal: OverrideOption = None,
           at: AtOption = None) -> None:
    """Give a complaint its handler; the staff member it is about, or anyone with a conflict, is refused (回避)."""
    from tsk import lifecycle

    c = lifecycle.assign(ledger_of(ctx), ref, to, unit, override_recusal, at)
    if c["assignee_unit"]:
        say(msg.ASSIGNED_IN_UNIT(ref=c["ref"], assignee=c["assignee"], unit=c["assignee_unit"]))
    else:
        say(msg.ASSIGNED(ref=c["ref"], assignee=c["assignee"]))


@app.command()
def conflict(ctx: typer.Context, ref: RefArgument,
             name: Annotated[str, typer.Argument(metavar="NAME", help="Who may not handle it.")],
             reason: Annotated[str, text_option("The direct interest.")], at: AtOption = None) -> None:
    """Mark NAME as having a direct interest in the complaint (回避)."""
    from tsk import lifecycle

    c = lifecycle.declare_conflict(ledger_of(ctx), ref, name, reason, at)
    say(msg.CONFLICT_DECLARED(ref=c["ref"], name=name))


@app.command()
def escalate(ctx: typer.Context, ref: RefArgument,
             reason: Annotated[str, text_option("Why.")],
             to_level: Annotated[Optional[int], typer.Option(
                 "--to-level", metavar="N", help=", ".join(f"{n} {label}" for n, label in vocab.LEVEL.items()) + " (default one up).")] = None,
             at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Raise a complaint's level."""
    from tsk import lifecycle, views

    c = lifecycle.escalate(ledger_of(ctx), ref, reason, to_level, at, override_recusal)
    say(msg.ESCALATED(ref=c["ref"], level=views.level_label(c["level"])))


@app.command()
def classify(ctx: typer.Context, ref: RefArgument,
             reason: Annotated[str, text_option("Why the classification changes.")],
             kind: Annotated[Optional[str], typer.Option(metavar="KIND", help=one_of(vocab.KIND, "Kind"))] = None,
             category: Annotated[Optional[str], typer.Option(metavar="CATEGORY", help=one_of(vocab.CATEGORY, "Category"))] = None,
             business_type: Annotated[Optional[str], typer.Option("--business-type", metavar="TYPE", help=one_of(vocab.BUSINESS_TYPE, "PBoC business type"))] = None,
             cause: Annotated[Optional[str], typer.Option(metavar="CAUSE", help=one_of(vocab.CAUSE, "PBoC cause"))] = None,
             severity: Annotated[Optional[str], typer.Option(metavar="SEVERITY", help=one_of(vocab.SEVERITY, "Severity"))] = None,
             group_size: Annotated[Optional[int], typer.Option("--group-size", metavar="N", help="Number of complainants.")] = None,
             emergency: Annotated[bool, typer.Option("--emergency", help="应急: the emergency plan applies.")] = False,
             at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Change a complaint's classification; group, major or emergency puts it at level 3 with a report clock."""
    from tsk import classification, views

    change = classification.Reclassification(kind=kind, category=category, business_type=business_type, cause=cause,
                                             severity=severity, group_size=group_size, emergency=emergency)
    c = classification.classify(ledger_of(ctx), ref, change, reason, at, override_recusal)
    report = msg.REPORT_BY(due=shown(c["report_due"])) if c["report_due"] and c["reported_at"] is None else ""
    say(msg.CLASSIFIED(ref=c["ref"], level=views.level_label(c["level"]), flags=_flags(c), report=report))


@app.command()
def extend(ctx: typer.Context, ref: RefArgument,
           days: Annotated[int, typer.Option(metavar="N", help="Days to add, as the policy counts them: working days "
                                                               "(cbrc2012, gdrcc2008) or calendar days (national2020).")],
           reason: Annotated[str, text_option("Why (told to the customer).")],
           notified_via: NotifiedViaOption,
           approved_by: Annotated[Optional[str], typer.Option(
               "--approved-by", metavar="NAME", help="Who approved an extension beyond the policy's first tier "
                                                     "(上级机构或总行高级管理人员; national2020: past 30 days).")] = None,
           at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Extend the resolution deadline, within the policy's cap."""
    from tsk import lifecycle, sla

    ledger = ledger_of(ctx)
    c = lifecycle.extend(ledger, ref, days, reason, notified_via, at, override_recusal, approved_by)
    word = sla.days_word(ledger.policy(c["policy"], c["policy_version"]).for_case(kind=c["kind"],
                                                                                   severity=c["severity"]).reading)
    if approved_by:
        say(msg.EXTENDED_APPROVED(ref=c["ref"], days=days, word=word, due=shown(c["due"]), cap=shown(c["cap_due"]),
                                  approver=approved_by))
    else:
        say(msg.EXTENDED(ref=c["ref"], days=days, word=word, due=shown(c["due"]), cap=shown(c["cap_due"])))


@app.command()
def supervise(ctx: typer.Context, ref: RefArgument,
              unit: Annotated[Optional[str], typer.Option(
                  metavar="UNIT", help="Who issued it (督办单位); default the ledger's supervising_unit setting.")] = None,
              at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Record that the 督办表 was issued (Guangdong policy); handling is due 7 working days after it."""
    from tsk import lifecycle

    c = lifecycle.supervise(ledger_of(ctx), ref, unit, at, override_recusal)
    say(msg.SUPERVISED(ref=c["ref"], unit=c["supervising_unit"], at=c["supervised_at"][:16].replace("T", " "), due=shown(c["due"]),
                       cap=shown(c["cap_due"])))


TextArgument = Annotated[str, typer.Argument(metavar="TEXT")]


@app.command()
def note(ctx: typer.Context, ref: RefArgument, text: TextArgument, at: AtOption = None) -> None:
    """Add a note to a complaint's history."""
    from tsk import lifecycle

    c = lifecycle.note(ledger_of(ctx), ref, text, at)
    say(msg.NOTED(ref=c["ref"]))


@app.command()
def notify(ctx: typer.Context, ref: RefArgument, text: TextArgument, via: ViaOption, at: AtOption = None,
           override_recusal: OverrideOption = None) -> None:
    """Record that the customer was told something (progress, appeal route...)."""
    from tsk import lifecycle

    c = lifecycle.notify_customer(ledger_of(ctx), ref, via, text, at, override_recusal)
    say(msg.NOTIFIED(ref=c["ref"], via=vocab.NOTIFY_VIA.term(vocab.NOTIFY_VIA.parse(via))))


@app.command()
def reported(ctx: typer.Context, ref: RefArgument, text: TextArgument, at: AtOption = None,
             override_recusal: OverrideOption = None) -> None:
    """Record that the report to the regulator was made (stops the report clock)."""
    from tsk import lifecycle

    c = lifecycle.report_to_regulator(ledger_of(ctx), ref, text, at, override_recusal)
    say(msg.REPORTED(ref=c["ref"], at=c["reported_at"]))


@app.command()
def close(ctx: typer.Context, ref: RefArgument,
          result: Annotated[str, typer.Option(metavar="RESULT", help=one_of(vocab.RESULT, "The decision"))],
          resolution: Annotated[str, text_option("What was done.")],
          notified_via: NotifiedViaOption,
          compensation: Annotated[Optional[str], typer.Option(metavar="AMOUNT", help="Amount paid, in yuan.")] = None,
          root_cause: Annotated[Optional[str], typer.Option("--root-cause", metavar="TEXT", help="Cause analysis (原因分析).")] = None,
          rectification: Annotated[Optional[str], text_option("Rectification measure (整改措施).")] = None,
          satisfaction: Annotated[Optional[str], typer.Option(
              metavar="SATISFACTION", help=one_of(vocab.SATISFACTION, "The customer's view (回访)"))] = None,
          at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Resolve a complaint."""
    from tsk import lifecycle

    c = lifecycle.close(ledger_of(ctx), ref, lifecycle.Outcome(result, resolution, notified_via, compensation,
                                                               root_cause, rectification, satisfaction), at,
                        override_recusal)
    if c["reviewed_at"] is not None:  # a close on a closed complaint decides its review (核查)
        say(msg.REVIEW_DECIDED(ref=c["ref"], result=vocab.RESULT.term(c["review_result"]),
                               stays=vocab.RESULT.term(c["result"])))
        return
    report: msg.Said | str = ""
    if c["report_due"] and c["reported_at"] is None and (c["referred_by"] or c["channel"] == "regulator"):
        report = msg.REPORT_RESULT_BY(to=c["referred_by"] or msg.THE_REGULATOR, due=shown(c["report_due"]))
    say(msg.CLOSED(ref=c["ref"], result=vocab.RESULT.term(c["result"]), report=report))


@app.command()
def reject(ctx: typer.Context, ref: RefArgument,
           reason: Annotated[str, text_option("Why it is not accepted (不予受理).")],
           notified_via: NotifiedViaOption,
           at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Not accepted (不予受理)."""
    from tsk import lifecycle

    c = lifecycle.reject(ledger_of(ctx), ref, reason, notified_via, at, override_recusal)
    say(msg.REJECTED(ref=c["ref"]))


@app.command()
def withdraw(ctx: typer.Context, ref: RefArgument, reason: Annotated[str, text_option("Why.")], at: AtOption = None,
             override_recusal: OverrideOption = None) -> None:
    """The customer withdrew the complaint."""
    from tsk import lifecycle

    c = lifecycle.withdraw(ledger_of(ctx), ref, reason, at, override_recusal)
    say(msg.WITHDRAWN(ref=c["ref"]))


@app.command()
def reopen(ctx: typer.Context, ref: RefArgument, reason: Annotated[str, text_option("The appeal (申诉).")],
           at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Open a closed or rejected complaint again (appeal); its clocks restart."""
    from tsk import lifecycle

    c = lifecycle.reopen(ledger_of(ctx), ref, reason, at, override_recusal)
    say(msg.REOPENED(ref=c["ref"], ack=shown(c["ack_due"]), due=shown(c["due"]), cap=shown(c["cap_due"])))


@app.command()
def verify(ctx: typer.Context) -> None:
    """Check that every complaint's history is intact and matches the record."""
    from tsk import integrity

    report = integrity.verify(ledger_of(ctx))
    if report.problems:
        for problem in report.problems:
            say(problem)
        raise TskError(msg.VERIFY_FAILED, count=len(report.problems), first=report.problems[0])
    say(msg.VERIFIED(complaints=report.complaints, events=report.events))
    say(msg.LEDGER_DIGEST(digest=report.digest))


