"""The loan contract on A4 (two copies, "DUPLICATA" on a reprint) and the credit
committee's minutes (procès-verbal). Plain dataclasses in, PDF bytes out.

Both are laid out as a column of blocks (paragraphs, table rows) that flow onto as many
pages as they need; every page carries the document's reference and "Page x / y".
"""

from __future__ import annotations

from collections.abc import Callable

from mifin_tui.i18n import N_, translator
from mifin_tui.services.kernel.money import format_amount, format_percent
from mifin_tui.services.loans.contract_types import ContractDoc, MinutesDoc
from printers._fonts import new_pdf
from printers._layout import PT, Flow, Measure, draw_text, format_date
from printers.schedule import frequency_label, method_label, teg_text

__all__ = ["contract_pdf", "minutes_pdf"]

MARGIN = 15.0
INNER = 210 - 2 * MARGIN
BOTTOM = 297 - MARGIN - 8.0

LABELS = {
    "title": N_("LOAN CONTRACT No. {number}"),
    "duplicate": N_("DUPLICATA"),
    "copy": N_("Copy {n} of {total}: {who}"),
    "copy_member": N_("the member"),
    "copy_branch": N_("the institution"),
    "between": N_("Between {institution} ({branch}), represented by its manager, hereafter "
                  "the lender,"),
    "and": N_("and the member {name} (no. {number}), {identity}, hereafter the borrower,"),
    "agreed": N_("it is agreed as follows."),
    "amendment": N_("AMENDMENT: the loan as rescheduled on {date}"),
    "art1": N_("Article 1 - Amount. The lender grants the borrower a loan of {amount} "
               "({words}) under the product \"{product}\", for: {purpose}."),
    "art2": N_("Article 2 - Cost. Nominal annual rate {rate}, {method}; fees of {fees}; "
               "TEG {teg}. Total to repay: {total}."),
    "teg_ref": N_("The TEG includes what the regulator counts in it: {definition}"),
    "usury": N_("It does not exceed the usury rate of {rate} ({reference})."),
    "art3": N_("Article 3 - Repayment. {count} instalments, {frequency}, from {first} to "
               "{last}, by the schedule below. The linked account {account} may be debited "
               "of each instalment due."),
    "sweep_instalment": N_("Each payment settles the oldest instalment due in full, part by "
                           "part in this order: {order}, before the next instalment."),
    "sweep_component": N_("Each payment is applied across all the instalments due, part by "
                          "part in this order: {order} (all the {first} of every "
                          "instalment due before any {second})."),
    "carried": N_("The first instalment includes what the former schedule left unpaid; its "
                  "penalties are shown with the fees."),
    "art4": N_("Article 4 - Guarantees."),
    "guarantor": N_("Guarantor {name} (no. {number}) for {amount}{held}"),
    "held": N_(", savings {account} blocked"),
    "collateral_savings": N_("Blocked savings on {account}: {amount}"),
    "collateral_goods": N_("Goods: {description}, valued at {amount}"),
    "none": N_("None."),
    "holds": N_("Amounts blocked for this loan until it is repaid:"),
    "hold_compulsory": N_("compulsory savings: {amount} on account {account} ({holder})"),
    "hold_guarantee": N_("guarantee: {amount} on account {account} ({holder})"),
    "hold_collateral": N_("savings pledged: {amount} on account {account} ({holder})"),
    "savings_rule": N_("Compulsory savings: {rate} of the loan, {amount}, blocked on the "
                       "linked account."),
    "art5_none": N_("Article 5 - Default. The product charges no late-payment penalty; the "
                    "lender may call in the guarantees."),
    "art5_daily": N_("Article 5 - Default. An instalment still unpaid {grace} days after its "
                     "due date bears, from the next day, a penalty of {rate} a day of its "
                     "unpaid principal and interest, rounded to the nearest unit; the lender "
                     "may call in the guarantees."),
    "art5_flat": N_("Article 5 - Default. An instalment still unpaid {grace} days after its "
                    "due date bears a penalty of {amount}, once; the lender may call in the "
                    "guarantees."),
    "cap_amount": N_("The penalties of one instalment never exceed {amount}."),
    "cap_bp": N_("The penalties of one instalment never exceed {rate} of its principal and "
                 "interest."),
    "art6": N_("Article 6 - Early repayment. The borrower may repay the whole loan at any "
               "time: he then pays the principal outstanding, the interest and fees due to "
               "that day and any penalties; the interest of the instalments not yet due is "
               "not charged."),
    "excess_refuse": N_("Otherwise a payment above the amount due is handed back."),
    "excess_future_in_order": N_("Otherwise a payment above the amount due pays the next "
                                 "instalments, nearest first."),
    "excess_future_last_first": N_("Otherwise a payment above the amount due reduces the "
                                   "last instalments first."),
    "excess_principal_prepaid": N_("Otherwise a payment above the amount due repays "
                                   "principal ahead, and the schedule is recomputed with "
                                   "less interest."),
    "art7": N_("Article 7 - Disputes. Any dispute about this contract is first settled "
               "amicably with the lender; failing that, it is brought before the competent "
               "court of {place}. The borrower may also inform the supervisor, {regulator}."),
    "done": N_("Done at {place}, on {date}, in {copies} copies."),
    "part_penalties": N_("penalties"), "part_fees": N_("fees"),
    "part_interest": N_("interest"), "part_principal": N_("principal"),
    "approved": N_("Approved by {who} on {date}."),
    "schedule": N_("Repayment schedule"),
    "no": N_("No."), "due": N_("Due date"), "principal": N_("Principal"),
    "interest": N_("Interest"), "fees_col": N_("Fees"), "total": N_("Total"),
    "balance": N_("Balance"),
    "sign_member": N_("The borrower"), "sign_guarantors": N_("The guarantors"),
    "sign_manager": N_("The manager"),
    "read": N_("Read and approved"),
    "page": N_("Page {page} / {pages}"),
    "printed": N_("Printed by {user} on {date} at {time}"),
    "minutes_title": N_("MINUTES OF THE CREDIT COMMITTEE"),
    "minutes_intro": N_("Meeting of {date} at {branch}. Members present: {members}."),
    "minutes_item": N_("{number} - {name}: {product}, {amount} over {term} instalments, "
                       "for: {purpose}."),
    "minutes_opinion": N_("{who}: {opinion}{amount}. {comment}"),
    "minutes_proposed": N_(", proposes {amount}"),
    "minutes_state": N_("Outcome: {state}."),
    "minutes_count": N_("{n} applications examined."),
    "minutes_sign": N_("Signatures of the committee members"),
}


class _Pages:
    """Blocks stacked top-down, a new page when one does not fit."""

    def __init__(self, pdf, m: Measure, header: Callable[[], Flow]) -> None:
        self.pdf, self.m, self.header = pdf, m, header
        self.pages: list[list[tuple[Flow, float]]] = []
        self.y = BOTTOM + 1

    def block(self) -> Flow:
        return Flow(self.m, MARGIN, INNER)

    def add(self, flow: Flow) -> None:
        if self.y + flow.y > BOTTOM:
            head = self.header()
            self.pages.append([(head, MARGIN)])
            self.y = MARGIN + head.y
        self.pages[-1].append((flow, self.y))
        self.y += flow.y

    def new_page(self) -> None:
        self.y = BOTTOM + 1

    def draw(self, footer_left: str, page_label: str, first_page: int = 0,
             total: int | None = None) -> None:
        total = total or len(self.pages)
        for n, page in enumerate(self.pages, start=1):
            self.pdf.add_page()
            for flow, y in page:
                flow.draw(self.pdf, y)
            fy = 297 - MARGIN - 5.0
            self.pdf.set_line_width(0.2)
            self.pdf.line(MARGIN, fy, MARGIN + INNER, fy)
            lh = 7.5 * PT * 1.22
            draw_text(self.pdf, MARGIN, fy + 0.8, lh, footer_left, 7.5)
            label = page_label.format(page=first_page + n, pages=total)
            draw_text(self.pdf, MARGIN + INNER - self.m.width(label, "", 7.5), fy + 0.8, lh,
                      label, 7.5)


def _penalty_text(doc: ContractDoc, t: dict[str, str], money: Callable[[int], str],
                  lang: str) -> str:
    """Article 5: the penalty rate and how it is computed, from the product."""
    p = doc.penalty
    if p.kind == "daily" and p.value:
        text = t["art5_daily"].format(grace=p.grace_days, rate=format_percent(p.value, lang))
    elif p.kind == "flat" and p.value:
        text = t["art5_flat"].format(grace=p.grace_days, amount=money(p.value))
    else:
        return t["art5_none"]
    if p.cap_amount is not None:
        text += " " + t["cap_amount"].format(amount=money(p.cap_amount))
    if p.cap_bp is not None:
        text += " " + t["cap_bp"].format(rate=format_percent(p.cap_bp, lang))
    return text


def _contract_copy(pdf, m: Measure, doc: ContractDoc, t: dict[str, str], copy: int,
                   money: Callable[[int], str]) -> _Pages:
    s = doc.schedule
    terms = s.terms
    lang = doc.language
    who = t["copy_member"] if copy == 1 else t["copy_branch"]

    def header() -> Flow:
        f = Flow(m, MARGIN, INNER)
        f.text(doc.institution, 11, "B")
        f.text(f"{doc.branch_name} ({doc.branch_code})", 8.5)
        f.text(t["title"].format(number=doc.number), 13, "B", "C")
        if doc.duplicate:
            f.text(t["duplicate"], 13, "B", "C")
        f.text(t["copy"].format(n=copy, total=doc.copies, who=who), 8, "", "C")
        f.space(2)
        return f

    pages = _Pages(pdf, m, header)

    def para(text: str, size: float = 9.5, style: str = "", space: float = 1.6) -> None:
        f = pages.block()
        f.text(text, size, style)
        f.space(space)
        pages.add(f)

    if doc.amendment:
        para(t["amendment"].format(date=format_date(terms.start)), 10.5, "B")
    para(t["between"].format(institution=doc.institution, branch=doc.branch_name))
    para(t["and"].format(name=doc.member_name, number=doc.member_number,
                         identity=doc.member_identity or "-"))
    para(t["agreed"])
    para(t["art1"].format(amount=money(terms.principal), words=doc.amount_words,
                          product=doc.product, purpose=doc.purpose))
    teg = doc.teg if doc.teg is not None else s.teg
    para(t["art2"].format(rate=format_percent(doc.rate_bp, lang),
                          method=method_label(terms.method, lang).lower(),
                          fees=money(s.fees_at_disbursement),
                          teg=teg_text(teg, doc.teg_method, lang),
                          total=money(s.totals.total)), space=0.6)
    if doc.teg_reference:
        para(t["teg_ref"].format(definition=doc.teg_reference), 8.5, space=0.6)
    if doc.usury_rate_bp is not None:
        para(t["usury"].format(rate=format_percent(doc.usury_rate_bp, lang),
                               reference=doc.usury_reference), 8.5, space=0.6)
    para("", space=1.0)
    para(t["art3"].format(count=len(s.installments),
                          frequency=frequency_label(terms.frequency, lang).lower(),
                          first=format_date(s.installments[0].due_date),
                          last=format_date(s.installments[-1].due_date),
                          account=doc.linked_account or "-"), space=0.6)
    order = [t[f"part_{part}"] for part in doc.allocation_order]
    if doc.allocation_sweep == "component":
        para(t["sweep_component"].format(order=", ".join(order), first=order[0],
                                         second=order[1]))
    else:
        para(t["sweep_instalment"].format(order=", ".join(order)))
    if doc.amendment:
        para(t["carried"])
    para(t["art4"], space=0.6)
    guarantees = [t["guarantor"].format(name=g.name, number=g.member_number,
                                        amount=money(g.amount),
                                        held=t["held"].format(account=g.account_number)
                                        if g.account_number else "")
                  for g in doc.guarantors]
    for c in doc.collateral:
        guarantees.append(t["collateral_savings"].format(account=c.account_number,
                                                         amount=money(c.value))
                          if c.kind == "savings" else
                          t["collateral_goods"].format(description=c.description,
                                                       amount=money(c.value)))
    for line in guarantees or [t["none"]]:
        para(f"  - {line}", space=0.4)
    if doc.savings_bp:
        para(t["savings_rule"].format(rate=format_percent(doc.savings_bp, lang),
                                      amount=money(doc.compulsory_savings)), space=0.4)
    if doc.holds:
        para(t["holds"], space=0.4)
        for h in doc.holds:
            para("  - " + t[f"hold_{h.kind}"].format(amount=money(h.amount),
                                                     account=h.account_number,
                                                     holder=h.holder), space=0.4)
    para("", space=1.0)
    para(_penalty_text(doc, t, money, lang))
    para(" ".join((t["art6"], t[f"excess_{doc.excess_policy}"])))
    para(t["art7"].format(place=doc.place or doc.branch_name, regulator=doc.regulator or "-"))
    if doc.decided_on:
        para(t["approved"].format(who=doc.decided_by, date=format_date(doc.decided_on)))
    if doc.signed_on:
        para(t["done"].format(place=doc.place or doc.branch_name,
                              date=format_date(doc.signed_on), copies=doc.copies))
    # signatures
    f = pages.block()
    f.space(3)
    labels = [t["sign_member"], t["sign_guarantors"], t["sign_manager"]]
    w = (INNER - 20.0) / 3
    f.columns([(label, MARGIN + i * (w + 10.0), w, "B", "C")
               for i, label in enumerate(labels)], 9)
    f.columns([(t["read"], MARGIN + i * (w + 10.0), w, "", "C") for i in range(3)], 7.5)
    f.space(16)
    for i in range(3):
        x = MARGIN + i * (w + 10.0)
        f.ops.append(("l", x, f.y, x + w, f.y, 0.25, True))
    f.space(4)
    pages.add(f)
    # the schedule
    pages.new_page()
    para(t["schedule"], 11, "B")
    cols = (t["no"], t["due"], t["principal"], t["interest"], t["fees_col"], t["total"],
            t["balance"])
    widths = (12.0, 26.0, 28.0, 26.0, 22.0, 28.0, INNER - 142.0)

    def row(cells: tuple[str, ...], style: str = "") -> None:
        f = pages.block()
        x = MARGIN
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            out.append((cell, x, width - 1.5, style, "R" if i >= 2 else "L"))
            x += width
        f.columns(out, 8.5, gap_after=0.4)
        pages.add(f)

    row(cols, "B")
    for i in s.installments:
        row((str(i.no), format_date(i.due_date), money(i.principal), money(i.interest),
             money(i.fees), money(i.total), money(i.balance_after)))
    row(("", t["total"], money(s.totals.principal), money(s.totals.interest),
         money(s.totals.fees), money(s.totals.total), ""), "B")
    return pages


def contract_pdf(doc: ContractDoc) -> bytes:
    tr = translator(doc.language)
    t = {k: tr(v) for k, v in LABELS.items()}
    cur = doc.schedule.terms.currency

    def money(minor: int) -> str:
        return format_amount(minor, cur, doc.language)

    texts = [*t.values(), doc.institution, doc.branch_name, doc.member_name,
             doc.member_identity, doc.product, doc.purpose, doc.amount_words,
             *(g.name for g in doc.guarantors), *(c.description for c in doc.collateral),
             *(h.holder for h in doc.holds), doc.place, doc.regulator, doc.teg_reference,
             doc.usury_reference, "0123456789 ,.%-/", doc.printed_by]
    pdf = new_pdf(texts, title=t["title"].format(number=doc.number), language=doc.language)
    m = Measure(pdf)
    printed = t["printed"].format(user=doc.printed_by, date=format_date(doc.printed_at.date()),
                                  time=doc.printed_at.strftime("%H:%M"))
    for copy in range(1, doc.copies + 1):
        pages = _contract_copy(pdf, m, doc, t, copy, money)
        pages.draw(f"{doc.number} - {printed}", t["page"])
    return bytes(pdf.output())


def minutes_pdf(doc: MinutesDoc) -> bytes:
    tr = translator(doc.language)
    t = {k: tr(v) for k, v in LABELS.items()}
    texts = [*t.values(), doc.institution, doc.branch_name, *doc.members,
             *(i.member_name for i in doc.items), *(i.purpose for i in doc.items),
             *(o.comment for i in doc.items for o in i.opinions), "0123456789 ,.%-/"]
    pdf = new_pdf(texts, title=t["minutes_title"], language=doc.language)
    m = Measure(pdf)

    def header() -> Flow:
        f = Flow(m, MARGIN, INNER)
        f.text(doc.institution, 11, "B")
        f.text(doc.branch_name, 8.5)
        f.text(t["minutes_title"], 13, "B", "C")
        f.space(2)
        return f

    pages = _Pages(pdf, m, header)

    def para(text: str, size: float = 9.5, style: str = "", space: float = 1.2) -> None:
        f = pages.block()
        f.text(text, size, style)
        f.space(space)
        pages.add(f)

    para(t["minutes_intro"].format(date=format_date(doc.session_date), branch=doc.branch_name,
                                   members=", ".join(doc.members) or "-"))
    para(t["minutes_count"].format(n=len(doc.items)), space=3)
    for item in doc.items:
        def money(minor: int, cur: str = item.currency) -> str:
            return format_amount(minor, cur, doc.language)

        para(t["minutes_item"].format(number=item.number, name=item.member_name,
                                      product=item.product,
                                      amount=money(item.amount_requested),
                                      term=item.term_requested, purpose=item.purpose),
             style="B", space=0.6)
        for o in item.opinions:
            proposed = (t["minutes_proposed"].format(amount=money(o.amount_proposed))
                        if o.amount_proposed else "")
            para(f"  - {t['minutes_opinion'].format(who=o.user, opinion=o.opinion_word, amount=proposed, comment=o.comment)}",  # noqa: E501
                 9, space=0.3)
        para(t["minutes_state"].format(state=item.state_word), 9, space=3)
    f = pages.block()
    f.text(t["minutes_sign"], 9.5, "B")
    f.space(4)
    for name in doc.members:
        f.text(f"{name} : ....................................", 9)
        f.space(6)
    pages.add(f)
    printed = t["printed"].format(user=doc.printed_by, date=format_date(doc.printed_at.date()),
                                  time=doc.printed_at.strftime("%H:%M"))
    pages.draw(printed, t["page"])
    return bytes(pdf.output())
