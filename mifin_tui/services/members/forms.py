"""The printed fiche d'adhésion: filled from the member's record and his fee vouchers.

Each print is audited; every print after the first is marked DUPLICATA.
"""

from __future__ import annotations

from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, JournalTransaction, Member, Voucher
from mifin_tui.i18n import N_, translator
from mifin_tui.services.kernel import audit, clock, institution, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.documents import local_time
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.members.documents import MemberFormDoc

FEE_KINDS = ("membership_fee", "account_opening_fee", "share_subscription")
_L = {
    "title": N_("MEMBERSHIP FORM (FICHE D'ADHÉSION)"),
    "identity": N_("Identity"), "address": N_("Address"), "document": N_("Identity document"),
    "legal": N_("Legal person"), "membership": N_("Membership"),
    "surname": N_("Surname (nom)"), "postname": N_("Post-name (postnom)"),
    "first_name": N_("First name (prénom)"), "sex": N_("Sex"),
    "birth": N_("Born on, at"), "civil_status": N_("Civil status"),
    "profession": N_("Profession / activity"), "street": N_("Address"),
    "commune": N_("Commune / territoire"), "city": N_("City / district"),
    "province": N_("Province"), "phone": N_("Phone"), "id_type": N_("Document"),
    "id_number": N_("ID document number"), "issued": N_("Issued at, on"),
    "legal_name": N_("Name (raison sociale)"), "legal_form": N_("Legal form"),
    "registration": N_("Registration"), "representative": N_("Legal representative"),
    "category": N_("Category"), "zone": N_("Zone"), "officer": N_("Officer in charge"),
    "accounts": N_("Account numbers"),
    "member_sig": N_("The member"), "manager_sig": N_("The gérant"),
    "agent_sig": N_("The officer"),
}


def _fmt(d: date | None, language: str) -> str:
    return format_date(d, language) if d else ""


@requires("member.read")
def form(ctx: Context, member_id: int) -> MemberFormDoc:
    """The fiche to print (the first print is the original, the next ones DUPLICATA)."""
    language = settings.get("document_language")
    t = translator(language)
    with write_transaction():
        m = members.row(member_id)
        d = members._detail(m)
        duplicate = m.forms_printed > 0
        Member.update(forms_printed=Member.forms_printed + 1).where(Member.id == m.id).execute()
        audit.record(ctx, "member.print_form", "member", m.number,
                     after={"duplicate": duplicate})
    sections = []
    if d.kind == "legal":
        sections.append((t(_L["legal"]), (
            (t(_L["legal_name"]), d.legal_name), (t(_L["legal_form"]), d.legal_form),
            (t(_L["registration"]), d.registration),
            (t(_L["representative"]), " ".join(p for p in (d.representative_name,
                                                           d.representative_phone) if p)),
            (t(_L["phone"]), d.phone))))
    else:
        sections.append((t(_L["identity"]), (
            (t(_L["surname"]), d.surname.upper()), (t(_L["postname"]), d.postname.upper()),
            (t(_L["first_name"]), d.first_name),
            (t(_L["sex"]), t(members.SEXES.get(d.sex, d.sex))),
            (t(_L["birth"]), ", ".join(p for p in (_fmt(d.birth_date, language), d.birth_place)
                                       if p)),
            (t(_L["civil_status"]), d.civil_status), (t(_L["profession"]), d.profession),
            (t(_L["phone"]), d.phone))))
        sections.append((t(_L["document"]), (
            (t(_L["id_type"]), d.id_type), (t(_L["id_number"]), d.id_number),
            (t(_L["issued"]), ", ".join(
                p for p in (d.id_issued_at, _fmt(d.id_issued_on, language)) if p)))))
    sections.append((t(_L["address"]), (
        (t(_L["street"]), d.address), (t(_L["commune"]), d.commune),
        (t(_L["city"]), d.city), (t(_L["province"]), d.province))))
    sections.append((t(_L["membership"]), (
        (t(_L["category"]), d.category), (t(_L["zone"]), d.zone),
        (t(_L["officer"]), d.officer_name),
        (t(_L["accounts"]), ", ".join(
            a.number for a in Account.select(Account.number).where(
                (Account.member == m.id) & (Account.kind == "savings")).order_by(Account.id))))))
    payments = tuple(
        (v.purpose.split(" — ")[0], format_amount(v.amount, v.currency, language), v.number)
        for v in Voucher.select()
        .join(JournalTransaction, on=(Voucher.txn == JournalTransaction.id))
        .where(JournalTransaction.kind.in_(FEE_KINDS) & Voucher.purpose.contains(m.number))
        .order_by(Voucher.number))
    info = institution.info(ctx.branch_id)
    return MemberFormDoc(
        institution=info.name, branch_code=info.branch_code, branch_name=info.branch_name,
        title=t(_L["title"]), number=d.number, joined_on=d.joined_on,
        kind_label=t(members.KINDS[d.kind]), status_label=t(members.STATUSES[d.status]),
        sections=tuple(sections), payments=payments,
        signatures=(t(_L["member_sig"]), t(_L["agent_sig"]), t(_L["manager_sig"])),
        printed_by=ctx.full_name,
        printed_at=local_time(clock.now(), settings.get("timezone")), duplicate=duplicate,
        language=language)


__all__ = ["form"]
