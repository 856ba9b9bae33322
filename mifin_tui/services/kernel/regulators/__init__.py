"""Regulator profiles: charts of accounts, arrears buckets and rate rules.

Each supervisor (BCEAO for UEMOA, COBAC for CEMAC, BCC for DR Congo) is data,
never `if regulator == ...` branches in the services: the ledger finds GL
accounts through semantic keys (`gl_keys`), the nightly closing ages loans
with `arrears_buckets`, the loan screen checks the TEG against the usury rate.

Figures come from the public texts named in each profile's `sources`; where a
figure was not found the field is `None` and the screens say "à paramétrer"
instead of inventing one. Account numbers follow each plan's class layout
(RCSFD, PCEMF, PCCI); the sub-accounts are Mifin's choice, the ones an
institution most often opens, and a site may rename or extend them.

Each profile's data (chart, buckets, rates, the articles they come from) is a module
of its own, `bceao`, `cobac` and `bcc`, built from the types in `profile`; this
package holds the registry of profiles and the rules that read them.

Pure data and small functions: no peewee, no Textual, nothing from
`mifin_tui.db` (an import-linter contract enforces it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from mifin_tui.services.kernel.regulators import bcc, bceao, cobac
from mifin_tui.services.kernel.regulators.profile import (
    ACCOUNT_KINDS,
    BUCKET_CATEGORIES,
    GL_KEYS,
    PROVISIONING_BASES,
    REQUIRED_GL_KEYS,
    TEG_METHODS,
    ArrearsBucket,
    GLAccountSpec,
    PrudentialRatio,
    RegulatorProfile,
)

__all__ = [
    "ACCOUNT_KINDS",
    "BUCKET_CATEGORIES",
    "GL_KEYS",
    "PROFILES",
    "PROVISIONING_BASES",
    "REQUIRED_GL_KEYS",
    "TEG_METHODS",
    "ArrearsBucket",
    "GLAccountSpec",
    "PrudentialRatio",
    "RegulatorProfile",
    "bucket_for_days",
    "get_profile",
    "validate_profile",
    "with_provision_rates",
]


PROFILES: Mapping[str, RegulatorProfile] = MappingProxyType(
    {p.code: p for p in (bceao.PROFILE, cobac.PROFILE, bcc.PROFILE)}
)


def get_profile(code: str) -> RegulatorProfile:
    """The profile for a regulator code ("bceao", "cobac", "bcc"), case-insensitive."""
    profile = PROFILES.get(code.strip().lower()) if isinstance(code, str) else None
    if profile is None:
        raise ValueError(
            f"unknown regulator profile {code!r}; valid codes: {', '.join(sorted(PROFILES))}"
        )
    return profile


def bucket_for_days(profile: RegulatorProfile, days_late: int) -> ArrearsBucket:
    """The arrears bucket a loan falls in when its oldest unpaid instalment is `days_late` old."""
    if days_late < 0:
        raise ValueError(f"days_late must be >= 0, got {days_late}")
    for bucket in profile.arrears_buckets:
        if bucket.contains(days_late):
            return bucket
    # Only a hand-edited profile with a gap gets here; validate_profile says where.
    raise ValueError(f"profile {profile.code!r} has no arrears bucket for {days_late} days")


def with_provision_rates(
    profile: RegulatorProfile, rates_bp: Mapping[str, int | None]
) -> RegulatorProfile:
    """A copy of `profile` with the provision rates the institution configured.

    `rates_bp` maps bucket keys to basis points (None clears a rate). The
    shipped profile stays untouched: settings are applied per institution.
    """
    known = {b.key for b in profile.arrears_buckets}
    unknown = sorted(set(rates_bp) - known)
    if unknown:
        raise ValueError(
            f"unknown arrears buckets {unknown} for {profile.code}; valid: {sorted(known)}"
        )
    for key, rate in rates_bp.items():
        if rate is not None and not 0 <= rate <= 10000:
            raise ValueError(f"provision rate for {key} must be 0..10000 bp, got {rate}")
    buckets = tuple(
        replace(b, provision_rate_bp=rates_bp[b.key]) if b.key in rates_bp else b
        for b in profile.arrears_buckets
    )
    return replace(profile, arrears_buckets=buckets)


def validate_profile(profile: RegulatorProfile) -> list[str]:
    """Every inconsistency in a profile, as messages (empty list = sound).

    Returns all problems at once so a site editing its own chart sees the
    whole list, not the first error.
    """
    errors: list[str] = []
    codes = [a.code for a in profile.chart]
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            errors.append(f"duplicate account code {code}")
        seen.add(code)
    by_code = {a.code: a for a in profile.chart}
    parents = {a.parent for a in profile.chart if a.parent is not None}
    for a in profile.chart:
        if a.kind not in ACCOUNT_KINDS:
            errors.append(f"{a.code}: unknown kind {a.kind!r}")
        if a.parent is not None:
            parent = by_code.get(a.parent)
            if parent is None:
                errors.append(f"{a.code}: parent {a.parent} is not in the chart")
            elif parent.kind != a.kind:
                errors.append(f"{a.code}: kind {a.kind} differs from parent's {parent.kind}")
        if a.postable == (a.code in parents):
            errors.append(f"{a.code}: postable must be true exactly when it has no children")
        if a.code[0] not in profile.classes:
            errors.append(f"{a.code}: class {a.code[0]} is not among the profile's classes")

    missing = sorted(GL_KEYS - set(profile.gl_keys))
    extra = sorted(set(profile.gl_keys) - GL_KEYS)
    if missing:
        errors.append(f"gl_keys missing: {', '.join(missing)}")
    if extra:
        errors.append(f"gl_keys not in GL_KEYS: {', '.join(extra)}")
    targets: dict[str, str] = {}
    for key, code in profile.gl_keys.items():
        account = by_code.get(code)
        if account is None:
            errors.append(f"gl_keys[{key}] = {code}: not in the chart")
        elif not account.postable:
            errors.append(f"gl_keys[{key}] = {code}: header account, not postable")
        # The database stores the key on the GL row itself: one key per account.
        if code in targets:
            errors.append(f"gl_keys[{key}] and gl_keys[{targets[code]}] share account {code}")
        targets[code] = key
    if "guarantees_received" in profile.gl_keys:
        acc = by_code.get(profile.gl_keys["guarantees_received"])
        if acc is not None and acc.kind != "off_balance":
            errors.append("guarantees_received must be an off-balance account")
    for b in profile.arrears_buckets:
        # Loss buckets leave the balance sheet; every other class needs a home.
        if b.category != "loss" and b.classification not in profile.classification_accounts:
            errors.append(f"bucket {b.key}: no account for classification {b.classification!r}")
    for cls, code in profile.classification_accounts.items():
        account = by_code.get(code)
        if account is None or not account.postable:
            errors.append(f"classification_accounts[{cls}] = {code}: not a postable account")

    expected_min = 0
    for i, b in enumerate(profile.arrears_buckets):
        if b.min_days != expected_min:
            errors.append(f"bucket {b.key}: starts at {b.min_days}, expected {expected_min}")
        if b.max_days is not None and b.max_days < b.min_days:
            errors.append(f"bucket {b.key}: max_days < min_days")
        if b.max_days is None and i != len(profile.arrears_buckets) - 1:
            errors.append(f"bucket {b.key}: open-ended bucket must be the last")
        if b.provision_rate_bp is not None and not 0 <= b.provision_rate_bp <= 10000:
            errors.append(f"bucket {b.key}: provision rate out of 0..10000 bp")
        if b.category not in BUCKET_CATEGORIES:
            errors.append(f"bucket {b.key}: unknown category {b.category!r}")
        expected_min = (b.max_days + 1) if b.max_days is not None else expected_min
    if not profile.arrears_buckets or profile.arrears_buckets[-1].max_days is not None:
        errors.append("the last arrears bucket must be open-ended (max_days None)")
    if len({b.key for b in profile.arrears_buckets}) != len(profile.arrears_buckets):
        errors.append("duplicate arrears bucket keys")

    if profile.default_currency not in profile.currencies:
        errors.append(f"default currency {profile.default_currency} not in currencies")
    if profile.teg_method not in TEG_METHODS:
        errors.append(f"unknown TEG method {profile.teg_method!r}")
    if profile.teg_method not in profile.teg_methods_allowed:
        errors.append("default TEG method is not among the allowed ones")
    if not set(profile.teg_methods_allowed) <= TEG_METHODS:
        errors.append("unknown TEG method among the allowed ones")
    if profile.provisioning_base not in PROVISIONING_BASES:
        errors.append(f"unknown provisioning base {profile.provisioning_base!r}")
    for name in ("usury_rate_bp", "single_borrower_limit_bp", "par_watch_bp"):
        value = getattr(profile, name)
        if value is not None and not 0 <= value <= 10000:
            errors.append(f"{name} out of 0..10000 bp")
    return errors
