"""A new institution (`mifin init`): its profile's chart, branch, tills, products and
administrator. What every screen reads of it is `kernel.institution`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Branch, GLAccount, Institution, Till
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, business_day, clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, ValidationError
from mifin_tui.services.kernel.institution import is_initialized
from mifin_tui.services.kernel.permissions import ADMIN, permissions_for

# What only `initialize` needs (the charts, tills, users) is imported there.

# Where each profile's institutions are; vouchers print the local time.
TIMEZONES = {"bcc": "Africa/Kinshasa", "bceao": "Africa/Abidjan", "cobac": "Africa/Douala"}

_BRANCH_CODE = re.compile(r"^[A-Z]{2,5}[0-9]{0,3}$")


def validate(name: str, branch_code: str, currency: str, regulator: str) -> dict[str, str]:
    from mifin_tui.services.kernel.money import CURRENCIES
    from mifin_tui.services.kernel.regulators import PROFILES, get_profile

    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Required.")
    if not _BRANCH_CODE.match(branch_code):
        errors["branch_code"] = _("2 to 5 capital letters, optionally followed by digits "
                                  "(e.g. KIN or GOM1).")
    if regulator not in PROFILES:
        errors["regulator"] = _("One of: {codes}.").format(codes=", ".join(sorted(PROFILES)))
    elif currency not in get_profile(regulator).currencies:
        errors["currency"] = _("{regulator} institutions keep {currencies}.").format(
            regulator=regulator.upper(),
            currencies=", ".join(get_profile(regulator).currencies))
    if currency not in CURRENCIES:
        errors["currency"] = _("Unknown currency {code}.").format(code=currency)
    return errors


def initialize(
    *, name: str, branch_code: str, branch_name: str, currency: str, regulator: str,
    admin_username: str, admin_full_name: str, admin_password: str,
    first_day: date | None = None, city: str = "",
    provision_rates: Mapping[str, int] | None = None,
) -> Context:
    """Create the institution, its chart, its first branch, admin and business day.

    `provision_rates` ({bucket key: basis points}) are the rates the regulator's text
    leaves to the institution (settings.provision_rate_fields: `asked`); `mifin init`
    asks for them; one left out is asked again by the closing's check.
    Returns the administrator's context so a caller (the demo) can go on.
    """
    from mifin_tui.services.admin.users import create_user_row, validate_new_user
    from mifin_tui.services.cash import tills
    from mifin_tui.services.kernel.regulators import get_profile

    branch_code = branch_code.strip().upper()
    errors = validate(name, branch_code, currency, regulator)
    errors.update(validate_new_user(admin_username, admin_full_name, admin_password, [ADMIN]))
    if provision_rates and "regulator" not in errors:
        try:
            settings.validate_provision_rates(dict(provision_rates), regulator)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    profile = get_profile(regulator)
    with write_transaction():
        if is_initialized():
            raise Conflict(_("This database already holds an institution."))
        inst = Institution.create(name=name.strip(), regulator=regulator, currency=currency,
                                  created_at=clock.now())
        branch = Branch.create(code=branch_code, name=branch_name.strip() or branch_code,
                               city=city, institution=inst)
        keys_by_code = {code: key for key, code in profile.gl_keys.items()}
        GLAccount.insert_many([
            {"code": a.code, "name": a.name, "kind": a.kind, "normal_side": a.normal_side,
             "parent_code": a.parent,
             "postable": a.postable, "key": keys_by_code.get(a.code)}
            for a in profile.chart
        ]).execute()
        admin = create_user_row(admin_username, admin_full_name, admin_password, [ADMIN], branch)
        day = first_day or clock.today()
        business_day.open_first_day(branch.id, day, admin.id)
        settings.put("default_language", "fr")
        ctx = Context(admin.id, admin.username, admin.full_name, frozenset({ADMIN}),
                      branch.id, branch.code, admin.language, permissions_for({ADMIN}))
        settings.put("timezone", TIMEZONES[regulator])
        if provision_rates:
            settings.put("loan_provision_rates", dict(provision_rates))
        tills.ensure_vault(branch.id, profile.currencies)
        first_till = Till.create(branch=branch, code="C01", name=_("Till 1"), kind="till",
                                 currencies=",".join(profile.currencies),
                                 created_at=clock.now())
        for cur in profile.currencies:
            tills.cash_account(first_till, cur)
        from mifin_tui.services.savings import (
            products as savings_products,  # the default savings products
        )

        savings_products.install_defaults(regulator, profile.currencies)
        audit.record(
            ctx, "institution.init", "institution", inst.id,
            after={"name": inst.name, "regulator": regulator, "currency": currency,
                   "branch": branch_code, "admin": admin.username,
                   "first_day": day.isoformat(), "gl_accounts": len(profile.chart),
                   "provision_rates": dict(provision_rates or {})},
            business_date=day,
        )
    return ctx
