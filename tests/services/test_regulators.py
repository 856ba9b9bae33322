"""Regulator profiles and demo data: pure data, checked for internal consistency."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from datetime import date

import pytest

from mifin_tui.demo import names as demo_names
from mifin_tui.demo.names import ZONES, random_person, random_phone
from mifin_tui.services.kernel.regulators import (
    ACCOUNT_KINDS,
    GL_KEYS,
    PROFILES,
    REQUIRED_GL_KEYS,
    ArrearsBucket,
    bucket_for_days,
    get_profile,
    validate_profile,
    with_provision_rates,
)

ALL = sorted(PROFILES)


@pytest.fixture(params=ALL)
def profile(request):
    return PROFILES[request.param]


def test_three_profiles() -> None:
    assert set(PROFILES) == {"bceao", "cobac", "bcc"}
    for code, p in PROFILES.items():
        assert p.code == code


def test_profiles_validate_clean(profile) -> None:
    assert validate_profile(profile) == []


def test_gl_keys_cover_required_set(profile) -> None:
    assert REQUIRED_GL_KEYS <= set(profile.gl_keys)
    assert set(profile.gl_keys) == GL_KEYS


def test_every_profile_maps_the_same_keys() -> None:
    keysets = {code: frozenset(p.gl_keys) for code, p in PROFILES.items()}
    assert len(set(keysets.values())) == 1, keysets


def test_gl_keys_point_to_postable_accounts(profile) -> None:
    codes = {a.code: a for a in profile.chart}
    for key, code in profile.gl_keys.items():
        assert code in codes, (key, code)
        assert codes[code].postable, (key, code)
        assert profile.gl(key).code == code


def test_gl_keys_use_distinct_accounts(profile) -> None:
    # The database keeps one semantic key per GL row.
    values = list(profile.gl_keys.values())
    assert len(values) == len(set(values))


def test_guarantees_are_off_balance(profile) -> None:
    assert profile.gl("guarantees_received").kind == "off_balance"


def test_provisions_are_a_contra_asset(profile) -> None:
    acc = profile.gl("loan_loss_provisions")
    assert acc.kind == "asset" and acc.contra and acc.normal_side == "credit"
    assert profile.gl("loans_outstanding").normal_side == "debit"
    assert profile.gl("savings_free").normal_side == "credit"


def test_chart_codes_unique(profile) -> None:
    codes = [a.code for a in profile.chart]
    assert len(codes) == len(set(codes))


def test_chart_parents_exist_and_headers_not_postable(profile) -> None:
    codes = {a.code for a in profile.chart}
    parents = {a.parent for a in profile.chart if a.parent}
    for a in profile.chart:
        assert a.kind in ACCOUNT_KINDS
        if a.parent is not None:
            assert a.parent in codes, a
            assert a.code.startswith(a.parent)
        assert a.postable == (a.code not in parents), a
        assert a.code[0] in profile.classes


def test_chart_lists_parents_before_children(profile) -> None:
    # Institution setup inserts the chart in order; parents must come first.
    seen: set[str] = set()
    for a in profile.chart:
        assert a.parent is None or a.parent in seen, a
        seen.add(a.code)


def test_buckets_contiguous_from_day_zero(profile) -> None:
    buckets = profile.arrears_buckets
    assert buckets[0].min_days == 0
    for prev, nxt in zip(buckets, buckets[1:], strict=False):
        assert prev.max_days is not None
        assert nxt.min_days == prev.max_days + 1
    assert buckets[-1].max_days is None
    for b in buckets:
        assert b.provision_rate_bp is None or 0 <= b.provision_rate_bp <= 10000


def test_default_currency_is_kept(profile) -> None:
    assert profile.default_currency in profile.currencies


def test_bceao_figures() -> None:
    p = get_profile("bceao")
    assert p.currencies == ("XOF",)
    rates = {(b.min_days, b.max_days): b.provision_rate_bp for b in p.arrears_buckets}
    assert rates[(0, 0)] == 0
    assert rates[(1, 90)] == 0
    assert rates[(91, 180)] == 4000
    assert rates[(181, 365)] == 8000
    assert rates[(366, 730)] == 10000
    assert p.arrears_buckets[-1].min_days == 731
    assert p.arrears_buckets[-1].category == "loss"
    assert p.usury_rate_bp == 2400
    assert p.usury_start == date(2014, 1, 1)
    assert p.teg_method == "proportional"
    assert "actuarial" in p.teg_methods_allowed
    assert p.provisioning_base == "outstanding_less_pledged_deposits"
    assert p.single_borrower_limit_bp == 1000
    assert (p.par_watch_days, p.par_watch_bp) == (90, 300)
    assert p.gl("loans_in_arrears").code.startswith("29")
    assert p.gl("loan_loss_provisions").code == "299"
    assert p.gl("interest_income_loans").code == "702"
    assert p.gl("cash_vault").code.startswith("10")
    assert p.gl("loans_outstanding").code.startswith("20")
    assert p.gl("savings_free").code.startswith("25")
    assert p.unset_fields() == ()


def test_cobac_figures() -> None:
    p = get_profile("cobac")
    assert p.currencies == ("XAF",)
    assert (p.immobilised_after_days, p.seasonal_immobilised_after_days) == (45, 90)
    assert p.single_borrower_limit_bp == 1000
    assert p.single_borrower_base == "paid_up_capital"
    assert bucket_for_days(p, 45).key == "impayee"
    assert bucket_for_days(p, 46).key == "immobilisee"
    # No public rate: every past-due bucket is left to the institution.
    assert all(b.provision_rate_bp is None for b in p.arrears_buckets[1:])
    assert any(f.startswith("arrears_buckets.") for f in p.unset_fields())
    assert p.usury_rate_bp is None


def test_bcc_figures() -> None:
    p = get_profile("bcc")
    assert set(p.currencies) == {"CDF", "USD"}
    assert p.default_currency == "USD"
    assert p.max_schedule_extensions == 1
    assert {"proroge", "impaye", "douteux", "contentieux", "irrecuperable"} <= set(
        p.classification_accounts
    )
    assert all(b.provision_rate_bp is None for b in p.arrears_buckets[1:])


@pytest.mark.parametrize(
    ("days", "key"),
    [
        (0, "sain"), (1, "s0_3"), (90, "s0_3"), (91, "s3_6"), (180, "s3_6"), (181, "s6_12"),
        (365, "s6_12"), (366, "s12_24"), (730, "s12_24"), (731, "perte"), (10_000, "perte"),
    ],
)
def test_bucket_for_days_bceao_boundaries(days: int, key: str) -> None:
    assert bucket_for_days(get_profile("bceao"), days).key == key


def test_bucket_for_days_covers_every_day(profile) -> None:
    for days in range(0, 1500):
        b = bucket_for_days(profile, days)
        assert b.contains(days)


def test_bucket_for_days_rejects_negative() -> None:
    with pytest.raises(ValueError):
        bucket_for_days(get_profile("bceao"), -1)


def test_get_profile_unknown_lists_valid_codes() -> None:
    with pytest.raises(ValueError) as err:
        get_profile("bnr")
    for code in ALL:
        assert code in str(err.value)
    assert get_profile(" BCC ") is PROFILES["bcc"]


def test_with_provision_rates_copies() -> None:
    base = get_profile("cobac")
    configured = with_provision_rates(base, {"impayee": 1000, "douteuse_3_6": 5000})
    assert configured.bucket("impayee").provision_rate_bp == 1000
    assert base.bucket("impayee").provision_rate_bp is None
    assert validate_profile(configured) == []
    with pytest.raises(ValueError):
        with_provision_rates(base, {"nope": 1})
    with pytest.raises(ValueError):
        with_provision_rates(base, {"impayee": 12000})


def test_validate_profile_reports_gaps() -> None:
    from dataclasses import replace

    p = get_profile("bceao")
    gappy = replace(p, arrears_buckets=(
        ArrearsBucket("a", "a", 0, 10, 0, "sain", "performing"),
        ArrearsBucket("b", "b", 12, None, 0, "en_souffrance"),
    ))
    errors = validate_profile(gappy)
    assert any("expected 11" in e for e in errors)
    with pytest.raises(ValueError):
        bucket_for_days(gappy, 11)


def test_pure_modules_import_without_db_or_ui() -> None:
    code = (
        "import sys\n"
        "import mifin_tui.services.kernel.regulators, mifin_tui.demo.names\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('peewee', 'textual', 'rich')"
        " or m.startswith('mifin_tui.db')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- demo names --------------------------------------------------------------------------

PERSON_KEYS = {
    "surname", "postname", "first_name", "sex", "birth_date", "birth_place", "profession",
    "address", "commune", "city", "province", "phone", "id_type", "id_number",
}


@pytest.mark.parametrize("zone", ZONES)
def test_random_person_deterministic(zone: str) -> None:
    a = [random_person(random.Random(1234), zone) for _ in range(3)]
    assert a[0] == a[1] == a[2]
    rng1, rng2 = random.Random(99), random.Random(99)
    assert [random_person(rng1, zone) for _ in range(20)] == [
        random_person(rng2, zone) for _ in range(20)
    ]


@pytest.mark.parametrize("zone", ZONES)
def test_random_person_valid(zone: str) -> None:
    rng = random.Random(2024)
    sexes = set()
    for _ in range(300):
        p = random_person(rng, zone)
        assert PERSON_KEYS <= set(p)
        sexes.add(p["sex"])
        names = (demo_names.FEMALE_FIRST_NAMES if p["sex"] == "F"
                 else demo_names.MALE_FIRST_NAMES)[zone]
        assert p["first_name"] in names
        assert p["surname"] in demo_names.SURNAMES[zone]
        if zone == "bcc":
            assert p["postname"] and p["postname"] != p["surname"]
        else:
            assert p["postname"] == ""
        assert isinstance(p["birth_date"], date)
        assert 1958 <= p["birth_date"].year <= 2005
        assert p["id_issued_on"] > p["birth_date"]
        for key in ("birth_place", "profession", "address", "commune", "city", "province",
                    "id_type", "id_number"):
            assert isinstance(p[key], str) and p[key].strip(), key
        assert re.fullmatch(r"\+\d{3} [\d ]+", p["phone"]), p["phone"]
        code = demo_names.PHONE_PLANS[p["country"]][0]
        assert p["phone"].startswith(code + " ")
    assert sexes == {"H", "F"}


def test_zone_data_sizes() -> None:
    for zone in ZONES:
        assert len(set(demo_names.SURNAMES[zone])) >= 40, zone
        assert len(set(demo_names.MALE_FIRST_NAMES[zone])) >= 30, zone
        assert len(set(demo_names.FEMALE_FIRST_NAMES[zone])) >= 30, zone
        assert demo_names.INSTITUTION_NAMES[zone]
        assert demo_names.ID_DOCUMENTS[zone]
        for place in demo_names.PLACES[zone]:
            assert place.country in demo_names.PHONE_PLANS
            assert place.country in demo_names.STREETS
    assert len(demo_names.POSTNAMES["bcc"]) >= 20


def test_phone_formats() -> None:
    rng = random.Random(5)
    assert re.fullmatch(r"\+243 (8\d|9\d) \d{3} \d{4}", random_phone(rng, "CD"))
    assert re.fullmatch(r"\+221 7\d \d{3} \d{2} \d{2}", random_phone(rng, "SN"))
    assert re.fullmatch(r"\+226 \d{2} \d{2} \d{2} \d{2}", random_phone(rng, "BF"))
    assert re.fullmatch(r"\+237 6\d{2} \d{2} \d{2} \d{2}", random_phone(rng, "CM"))
    with pytest.raises(ValueError):
        random_phone(rng, "FR")


def test_unknown_zone() -> None:
    with pytest.raises(ValueError, match="bceao"):
        random_person(random.Random(0), "uemoa")


def test_group_and_institution_names() -> None:
    rng = random.Random(3)
    for zone in ZONES:
        for _ in range(30):
            name = demo_names.random_group_name(rng, zone)
            assert name and "{" not in name and " de A" not in name
        assert demo_names.random_institution_name(rng, zone) in demo_names.INSTITUTION_NAMES[zone]
