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

Pure data and small functions: no peewee, no Textual, nothing from
`mifin_tui.db` (an import-linter contract enforces it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

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

ACCOUNT_KINDS = frozenset({"asset", "liability", "equity", "income", "expense", "off_balance"})
TEG_METHODS = frozenset({"proportional", "actuarial"})

# Regulators name their classes differently ("saines", "sains", "en souffrance",
# "litigieux"); reports that compare or total across profiles use this coarse
# category instead of the regulator's own word.
BUCKET_CATEGORIES = frozenset({"performing", "past_due", "doubtful", "loss"})

# What the provision rate is applied to.
PROVISIONING_BASES = frozenset({
    # BCEAO: outstanding less the deposits pledged by the borrower or guarantors.
    "outstanding_less_pledged_deposits",
    # Gross outstanding principal: the fallback where no text was found.
    "outstanding",
})

# The keys every service may ask for. A site's chart may hold many more
# accounts, but these must exist in every profile so no service ever needs
# to know a regulator's numbering.
REQUIRED_GL_KEYS = frozenset({
    "cash_vault", "cash_till", "bank",
    "loans_outstanding", "loans_in_arrears", "loan_loss_provisions", "interest_receivable",
    "savings_free", "savings_scheduled", "savings_blocked", "savings_tontine",
    "savings_interest_bearing",
    "share_capital", "reserves", "retained_earnings", "result_of_year",
    "interest_income_loans", "penalty_income", "fee_income", "membership_fee_income",
    "account_opening_fee_income", "tontine_commission_income",
    "interest_expense_savings", "withholding_tax_payable",
    "provision_expense", "provision_reversal_income", "write_off_expense", "recoveries_income",
    "till_shortage", "till_surplus", "suspense",
    "guarantees_received",
})

# Mapped by every profile too, beyond the required set: rescheduled loans are
# reported apart (BCEAO "immobilisés", BCC "prorogés"), and mobile-money
# repayments land on the operator float account, not in a till.
GL_KEYS = REQUIRED_GL_KEYS | {"loans_rescheduled", "mobile_money"}


@dataclass(frozen=True)
class GLAccountSpec:
    """One account of a chart. A header account (one with children) is not postable."""

    code: str
    name: str
    kind: str
    parent: str | None
    postable: bool
    # A contra account (loan-loss provisions) sits in its kind's section but
    # carries the opposite balance: the ledger needs it to pick the normal side.
    contra: bool = False

    @property
    def normal_side(self) -> str:
        """"debit" or "credit": the side on which the balance normally grows."""
        # Off-balance commitments are kept debit-normal, against their counterpart.
        debit = self.kind in {"asset", "expense", "off_balance"}
        return "debit" if debit != self.contra else "credit"

    @property
    def account_class(self) -> str:
        """The plan's class: the first digit of the code."""
        return self.code[0]


@dataclass(frozen=True)
class ArrearsBucket:
    """A range of days late and what the regulator makes of it.

    `max_days` None = no upper bound. `provision_rate_bp` is in basis points
    (4000 = 40 %); None means no public text gives the rate: the institution
    sets it and the screen says so.
    """

    key: str
    label: str
    min_days: int
    max_days: int | None
    provision_rate_bp: int | None
    classification: str
    category: str = "past_due"

    def contains(self, days_late: int) -> bool:
        return days_late >= self.min_days and (self.max_days is None or days_late <= self.max_days)

    @property
    def rate_configurable(self) -> bool:
        return self.provision_rate_bp is None


@dataclass(frozen=True)
class PrudentialRatio:
    """A prudential norm: `op` is ">=" or "<="; thresholds in basis points."""

    key: str
    label: str
    op: str
    threshold_bp: int
    source: str


@dataclass(frozen=True)
class RegulatorProfile:
    code: str
    name: str
    regulator: str
    zone: str
    countries: tuple[str, ...]          # ISO 3166 alpha-2
    institution_type: str               # what the law calls the institution
    currencies: tuple[str, ...]
    default_currency: str
    chart_name: str
    classes: Mapping[str, str]          # class digit -> title
    chart: tuple[GLAccountSpec, ...]
    gl_keys: Mapping[str, str]          # semantic key -> postable account code
    arrears_buckets: tuple[ArrearsBucket, ...]
    # Account holding each classification's loans, for the closing's reclassing;
    # for performing loans it is only the default when a product names none.
    classification_accounts: Mapping[str, str]
    # One unpaid instalment moves the whole outstanding, not only the late part.
    arrears_moves_whole_outstanding: bool
    provisioning_base: str
    usury_rate_bp: int | None
    usury_decision: str
    usury_start: date | None
    teg_method: str                     # default annualisation of the TEG
    teg_methods_allowed: tuple[str, ...]
    teg_definition: str
    single_borrower_limit_bp: int | None
    single_borrower_base: str           # what the limit is a share of
    par_watch_days: int | None          # PAR the supervisor watches (PAR90 ...)
    par_watch_bp: int | None            # ... and its ceiling
    immobilised_after_days: int | None
    seasonal_immobilised_after_days: int | None
    max_schedule_extensions: int | None
    prudential_ratios: tuple[PrudentialRatio, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    _by_code: Mapping[str, GLAccountSpec] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Read-only views: a profile is shared by every session of the process.
        object.__setattr__(self, "classes", MappingProxyType(dict(self.classes)))
        object.__setattr__(self, "gl_keys", MappingProxyType(dict(self.gl_keys)))
        object.__setattr__(
            self, "classification_accounts", MappingProxyType(dict(self.classification_accounts))
        )
        object.__setattr__(self, "_by_code", MappingProxyType({a.code: a for a in self.chart}))

    # Mappings are unhashable; the code identifies a profile.
    def __hash__(self) -> int:
        return hash(self.code)

    def account(self, code: str) -> GLAccountSpec:
        """The chart account with this code (KeyError if none)."""
        return self._by_code[code]

    def gl(self, key: str) -> GLAccountSpec:
        """The account a semantic key maps to (KeyError if the key is unknown)."""
        return self._by_code[self.gl_keys[key]]

    def children(self, code: str) -> tuple[GLAccountSpec, ...]:
        return tuple(a for a in self.chart if a.parent == code)

    def bucket(self, key: str) -> ArrearsBucket:
        for b in self.arrears_buckets:
            if b.key == key:
                return b
        raise KeyError(key)

    def unset_fields(self) -> tuple[str, ...]:
        """Names of the figures no public text gave: the settings screen flags them."""
        names = [
            name
            for name in (
                "usury_rate_bp", "usury_start", "single_borrower_limit_bp", "par_watch_bp",
            )
            if getattr(self, name) is None
        ]
        names += [
            f"arrears_buckets.{b.key}.provision_rate_bp"
            for b in self.arrears_buckets
            if b.provision_rate_bp is None
        ]
        return tuple(names)


# --- building charts ---------------------------------------------------------------

_CONTRA = "contra"


def _chart(rows: Iterable[tuple[str, str, str] | tuple[str, str, str, str]]) -> tuple[
    GLAccountSpec, ...
]:
    """Build a chart from (code, name, kind[, "contra"]) rows.

    The parent is the longest shorter code that prefixes this one, and an
    account is postable exactly when nothing hangs below it: deriving both
    keeps the tree and the header flags from drifting apart as the lists grow.
    """
    items = [(r[0], r[1], r[2], len(r) > 3 and r[3] == _CONTRA) for r in rows]
    codes = {code for code, *_ in items}
    parents: dict[str, str | None] = {}
    for code, *_ in items:
        parents[code] = next(
            (code[:n] for n in range(len(code) - 1, 0, -1) if code[:n] in codes), None
        )
    has_children = {p for p in parents.values() if p is not None}
    return tuple(
        GLAccountSpec(code, name, kind, parents[code], code not in has_children, contra)
        for code, name, kind, contra in sorted(items, key=lambda i: i[0])
    )


def _bp(percent: int | float) -> int:
    return round(percent * 100)


# --- BCEAO / UEMOA: SFD, RCSFD ---------------------------------------------------------

_BCEAO_CHART = _chart([
    # Classe 1 — trésorerie et opérations avec les institutions financières
    ("10", "Caisse", "asset"),
    ("101", "Caisse principale (coffre)", "asset"),
    ("102", "Caisses auxiliaires (guichets)", "asset"),
    ("11", "Banques, établissements financiers et SFD", "asset"),
    ("111", "Banques — comptes ordinaires", "asset"),
    ("112", "Dépôts à terme auprès des banques", "asset"),
    ("13", "Monnaie électronique", "asset"),
    ("131", "Comptes auprès des émetteurs de monnaie électronique", "asset"),
    ("16", "Emprunts auprès des institutions financières", "liability"),
    ("161", "Emprunts à court terme", "liability"),
    # Classe 2 — opérations avec les membres, bénéficiaires ou clients
    ("20", "Crédits aux membres, bénéficiaires ou clients", "asset"),
    ("201", "Crédits à court terme", "asset"),
    ("202", "Crédits à moyen terme", "asset"),
    ("203", "Crédits à long terme", "asset"),
    ("208", "Créances rattachées — intérêts courus à recevoir", "asset"),
    ("25", "Dépôts des membres, bénéficiaires ou clients", "liability"),
    ("251", "Dépôts à vue — épargne libre", "liability"),
    ("252", "Épargne programmée (plans d'épargne)", "liability"),
    ("253", "Dépôts à terme — épargne bloquée", "liability"),
    ("254", "Épargne tontine", "liability"),
    ("255", "Comptes d'épargne rémunérés (livrets)", "liability"),
    ("29", "Créances en souffrance", "asset"),
    ("291", "Créances en souffrance — encours", "asset"),
    ("292", "Créances immobilisées (rééchelonnées)", "asset"),
    ("299", "Provisions pour créances en souffrance", "asset", _CONTRA),
    # Classe 3 — opérations sur titres et opérations diverses
    ("34", "Débiteurs et créditeurs divers", "liability"),
    ("342", "État — impôts retenus à la source sur intérêts (IRC)", "liability"),
    ("38", "Comptes d'attente et de régularisation", "asset"),
    ("381", "Compte d'attente à régulariser (suspens)", "asset"),
    # Classe 4 — valeurs immobilisées
    ("42", "Immobilisations corporelles", "asset"),
    ("421", "Matériel et mobilier de bureau", "asset"),
    ("422", "Matériel informatique", "asset"),
    ("423", "Coffres-forts et matériel de sécurité", "asset"),
    # Classe 5 — provisions, fonds propres et assimilés
    ("56", "Capital", "equity"),
    ("561", "Capital social — parts sociales libérées", "equity"),
    ("57", "Réserves", "equity"),
    ("571", "Réserve générale", "equity"),
    ("58", "Report à nouveau", "equity"),
    ("581", "Report à nouveau", "equity"),
    ("59", "Résultat de l'exercice", "equity"),
    ("591", "Résultat de l'exercice", "equity"),
    # Classe 6 — charges
    ("60", "Charges financières", "expense"),
    ("602", "Intérêts sur dépôts des membres", "expense"),
    ("66", "Dotations aux provisions et pertes sur créances", "expense"),
    ("662", "Dotations aux provisions sur créances en souffrance", "expense"),
    ("667", "Pertes sur créances irrécouvrables", "expense"),
    ("68", "Charges exceptionnelles", "expense"),
    ("681", "Manquants de caisse", "expense"),
    # Classe 7 — produits
    ("70", "Produits financiers", "income"),
    ("702", "Intérêts sur crédits aux membres", "income"),
    ("703", "Pénalités de retard sur crédits", "income"),
    ("704", "Commissions et frais de dossier sur crédits", "income"),
    ("705", "Commissions sur tontines", "income"),
    ("71", "Produits accessoires", "income"),
    ("711", "Droits d'adhésion", "income"),
    ("712", "Frais d'ouverture de compte", "income"),
    ("76", "Reprises de provisions et récupérations", "income"),
    ("762", "Reprises de provisions sur créances en souffrance", "income"),
    ("763", "Récupérations sur créances amorties", "income"),
    ("78", "Produits exceptionnels", "income"),
    ("781", "Excédents de caisse", "income"),
    # Classe 9 — engagements hors bilan
    ("91", "Engagements de financement", "off_balance"),
    ("911", "Crédits accordés non encore décaissés", "off_balance"),
    ("93", "Engagements de garantie reçus", "off_balance"),
    ("931", "Garanties reçues des membres et cautions", "off_balance"),
    ("932", "Garanties réelles reçues (nantissements, hypothèques)", "off_balance"),
])

_BCEAO = RegulatorProfile(
    code="bceao",
    name="BCEAO — Systèmes financiers décentralisés (UMOA)",
    regulator="Banque Centrale des États de l'Afrique de l'Ouest",
    zone="UEMOA",
    countries=("BJ", "BF", "CI", "GW", "ML", "NE", "SN", "TG"),
    institution_type="SFD",
    currencies=("XOF",),
    default_currency="XOF",
    chart_name="RCSFD",
    classes={
        "1": "Opérations de trésorerie et avec les institutions financières",
        "2": "Opérations avec les membres, bénéficiaires ou clients",
        "3": "Opérations sur titres et opérations diverses",
        "4": "Valeurs immobilisées",
        "5": "Provisions, fonds propres et assimilés",
        "6": "Charges",
        "7": "Produits",
        "9": "Engagements hors bilan",
    },
    chart=_BCEAO_CHART,
    gl_keys={
        "cash_vault": "101",
        "cash_till": "102",
        "bank": "111",
        "mobile_money": "131",
        "loans_outstanding": "201",
        "interest_receivable": "208",
        "savings_free": "251",
        "savings_scheduled": "252",
        "savings_blocked": "253",
        "savings_tontine": "254",
        "savings_interest_bearing": "255",
        "loans_in_arrears": "291",
        "loans_rescheduled": "292",
        "loan_loss_provisions": "299",
        "withholding_tax_payable": "342",
        "suspense": "381",
        "share_capital": "561",
        "reserves": "571",
        "retained_earnings": "581",
        "result_of_year": "591",
        "interest_expense_savings": "602",
        "provision_expense": "662",
        "write_off_expense": "667",
        "till_shortage": "681",
        "interest_income_loans": "702",
        "penalty_income": "703",
        "fee_income": "704",
        "tontine_commission_income": "705",
        "membership_fee_income": "711",
        "account_opening_fee_income": "712",
        "provision_reversal_income": "762",
        "recoveries_income": "763",
        "till_surplus": "781",
        "guarantees_received": "931",
    },
    arrears_buckets=(
        ArrearsBucket("sain", "Encours sain (à jour)", 0, 0, 0, "sain", "performing"),
        ArrearsBucket("s0_3", "En souffrance de 0 à 3 mois (provision facultative)",
                      1, 90, 0, "en_souffrance", "past_due"),
        ArrearsBucket("s3_6", "En souffrance de 3 à 6 mois", 91, 180, 4000,
                      "en_souffrance", "doubtful"),
        ArrearsBucket("s6_12", "En souffrance de 6 à 12 mois", 181, 365, 8000,
                      "en_souffrance", "doubtful"),
        ArrearsBucket("s12_24", "En souffrance de 12 à 24 mois", 366, 730, 10000,
                      "en_souffrance", "doubtful"),
        ArrearsBucket("perte", "Plus de 24 mois — à passer en perte", 731, None, 10000,
                      "passe_en_perte", "loss"),
    ),
    classification_accounts={
        "sain": "201",
        "en_souffrance": "291",
        "immobilise": "292",
    },
    arrears_moves_whole_outstanding=True,
    provisioning_base="outstanding_less_pledged_deposits",
    usury_rate_bp=2400,
    usury_decision=(
        "Décision CM/UMOA/011/06/2013 du Conseil des Ministres de l'UMOA (28 juin 2013) : "
        "taux de l'usure 24 % l'an pour les SFD (banques 15 %, puis 14 % par décision "
        "de décembre 2025)"
    ),
    usury_start=date(2014, 1, 1),
    teg_method="proportional",
    teg_methods_allowed=("proportional", "actuarial"),
    teg_definition=(
        "Taux tiré du tableau d'amortissement, y compris frais, commissions, coût des "
        "garanties et rémunérations d'intermédiaires, hors impôts et taxes."
    ),
    single_borrower_limit_bp=1000,
    single_borrower_base="equity",
    par_watch_days=90,
    par_watch_bp=300,
    immobilised_after_days=None,
    seasonal_immobilised_after_days=None,
    max_schedule_extensions=None,
    prudential_ratios=(
        PrudentialRatio("risk_limitation", "Limitation des risques", "<=", 20000,
                        "Instruction 010-08-2010"),
        PrudentialRatio("stable_resources_cover",
                        "Couverture des emplois à moyen et long terme par des ressources stables",
                        ">=", 10000, "Instruction 010-08-2010"),
        PrudentialRatio("insider_loans", "Prêts aux dirigeants et au personnel", "<=", 1000,
                        "Instruction 010-08-2010"),
        PrudentialRatio("single_borrower", "Division des risques (un même bénéficiaire)", "<=",
                        1000, "Instruction 010-08-2010"),
        # 80 % for affiliated mutualist SFD and 60 % for SFD without deposits:
        # the site picks its case in settings.
        PrudentialRatio("liquidity", "Liquidité", ">=", 10000, "Instruction 010-08-2010"),
        PrudentialRatio("other_activities", "Autres activités", "<=", 500,
                        "Instruction 010-08-2010"),
        PrudentialRatio("general_reserve", "Constitution de la réserve générale", ">=", 1500,
                        "Instruction 010-08-2010"),
        PrudentialRatio("capitalisation", "Norme de capitalisation", ">=", 1500,
                        "Instruction 010-08-2010"),
        PrudentialRatio("par90", "Portefeuille à risque à 90 jours (norme de surveillance)",
                        "<=", 300, "Instruction 010-08-2010"),
    ),
    sources=(
        "Référentiel comptable spécifique des SFD de l'UMOA (RCSFD, 2009)",
        "Instruction BCEAO 010-08-2010 (normes prudentielles des SFD)",
        "Loi uniforme portant définition et répression de l'usure ; "
        "décision CM/UMOA/011/06/2013",
    ),
    notes=(
        "Provision sur l'encours diminué des dépôts nantis de l'emprunteur ou des cautions.",
        "Liquidité : 80 % pour un SFD mutualiste affilié, 60 % pour un SFD sans dépôts.",
        "Les créances rééchelonnées (immobilisées) sont présentées à part.",
    ),
)


# --- COBAC / CEMAC: EMF, PCEMF -----------------------------------------------------------

_COBAC_CHART = _chart([
    # Classe 1 — capitaux permanents
    ("10", "Capital", "equity"),
    ("101", "Capital social — parts sociales libérées", "equity"),
    ("11", "Réserves", "equity"),
    ("111", "Réserve légale", "equity"),
    ("112", "Réserves statutaires", "equity"),
    ("12", "Report à nouveau", "equity"),
    ("121", "Report à nouveau", "equity"),
    ("13", "Résultat de l'exercice", "equity"),
    ("131", "Résultat de l'exercice", "equity"),
    # Classe 2 — immobilisations
    ("24", "Matériel et mobilier", "asset"),
    ("241", "Matériel et mobilier de bureau", "asset"),
    ("244", "Matériel informatique", "asset"),
    # Classe 3 — opérations avec la clientèle
    ("31", "Crédits à moyen terme", "asset"),
    ("311", "Crédits à moyen terme aux membres", "asset"),
    ("32", "Crédits à court terme", "asset"),
    ("321", "Crédits à court terme aux membres", "asset"),
    ("322", "Crédits de campagne (saisonniers)", "asset"),
    ("34", "Créances en souffrance", "asset"),
    ("341", "Créances impayées", "asset"),
    ("342", "Créances immobilisées", "asset"),
    ("345", "Créances douteuses", "asset"),
    ("348", "Créances restructurées", "asset"),
    ("35", "Comptes d'épargne", "liability"),
    ("351", "Épargne programmée", "liability"),
    ("352", "Épargne tontine", "liability"),
    ("353", "Comptes d'épargne rémunérés sur livret", "liability"),
    ("36", "Dépôts à terme", "liability"),
    ("361", "Dépôts à terme — épargne bloquée", "liability"),
    ("37", "Comptes de dépôts à vue", "liability"),
    ("371", "Dépôts à vue — épargne libre", "liability"),
    ("38", "Créances rattachées", "asset"),
    ("386", "Intérêts courus à recevoir sur crédits", "asset"),
    ("39", "Provisions pour dépréciation des comptes de la clientèle", "asset"),
    ("394", "Provisions pour créances en souffrance", "asset", _CONTRA),
    # Classe 4 — tiers et régularisation
    ("44", "État et organismes publics", "liability"),
    ("445", "État — impôts retenus sur revenus de l'épargne (IRCM)", "liability"),
    ("47", "Comptes d'attente", "asset"),
    ("471", "Compte d'attente à régulariser (suspens)", "asset"),
    # Classe 5 — trésorerie et opérations interbancaires
    ("52", "Banques et correspondants", "asset"),
    ("521", "Banques — comptes ordinaires", "asset"),
    ("55", "Monnaie électronique", "asset"),
    ("551", "Comptes auprès des opérateurs de mobile money", "asset"),
    ("57", "Caisse", "asset"),
    ("571", "Caisse principale (coffre)", "asset"),
    ("572", "Caisses auxiliaires (guichets)", "asset"),
    # Classe 6 — charges
    ("60", "Charges financières", "expense"),
    ("602", "Intérêts sur comptes d'épargne et dépôts", "expense"),
    ("67", "Charges exceptionnelles", "expense"),
    ("671", "Manquants de caisse", "expense"),
    ("69", "Dotations aux provisions et pertes sur créances", "expense"),
    ("691", "Dotations aux provisions sur créances en souffrance", "expense"),
    ("692", "Pertes sur créances irrécouvrables", "expense"),
    ("6921", "Pertes sur créances irrécouvrables couvertes par des provisions", "expense"),
    ("6922", "Pertes sur créances irrécouvrables non couvertes par des provisions", "expense"),
    # Classe 7 — produits
    ("70", "Produits financiers", "income"),
    ("702", "Intérêts sur crédits à la clientèle", "income"),
    ("703", "Pénalités et intérêts de retard", "income"),
    ("704", "Commissions et frais de dossier sur crédits", "income"),
    ("71", "Produits de services", "income"),
    ("711", "Droits d'adhésion", "income"),
    ("712", "Frais d'ouverture de compte", "income"),
    ("713", "Commissions sur tontines", "income"),
    ("77", "Produits exceptionnels", "income"),
    ("771", "Excédents de caisse", "income"),
    ("79", "Reprises de provisions et récupérations", "income"),
    ("791", "Reprises de provisions sur créances en souffrance", "income"),
    ("792", "Récupérations sur créances amorties", "income"),
    # Classe 9 — hors bilan
    ("91", "Engagements de financement", "off_balance"),
    ("911", "Crédits accordés non encore décaissés", "off_balance"),
    ("93", "Engagements de garantie reçus", "off_balance"),
    ("931", "Garanties reçues de la clientèle (cautions, nantissements)", "off_balance"),
])

# Day bounds past 45 days follow the 90/180/365/730 steps used elsewhere;
# the regulation read does not fix them, so they are flagged as indicative.
_INDICATIVE = " (bornes indicatives)"

_COBAC = RegulatorProfile(
    code="cobac",
    name="COBAC — Établissements de microfinance (CEMAC)",
    regulator="Commission Bancaire de l'Afrique Centrale",
    zone="CEMAC",
    countries=("CM", "CF", "CG", "GA", "GQ", "TD"),
    institution_type="EMF",
    currencies=("XAF",),
    default_currency="XAF",
    chart_name="PCEMF",
    classes={
        "1": "Capitaux permanents",
        "2": "Immobilisations",
        "3": "Opérations avec la clientèle",
        "4": "Tiers et régularisation",
        "5": "Trésorerie et opérations interbancaires",
        "6": "Charges",
        "7": "Produits",
        "9": "Hors bilan",
    },
    chart=_COBAC_CHART,
    gl_keys={
        "share_capital": "101",
        "reserves": "111",
        "retained_earnings": "121",
        "result_of_year": "131",
        "loans_outstanding": "321",
        "loans_in_arrears": "341",
        "loans_rescheduled": "348",
        "savings_scheduled": "351",
        "savings_tontine": "352",
        "savings_interest_bearing": "353",
        "savings_blocked": "361",
        "savings_free": "371",
        "interest_receivable": "386",
        "loan_loss_provisions": "394",
        "withholding_tax_payable": "445",
        "suspense": "471",
        "bank": "521",
        "mobile_money": "551",
        "cash_vault": "571",
        "cash_till": "572",
        "interest_expense_savings": "602",
        "till_shortage": "671",
        "provision_expense": "691",
        "write_off_expense": "6921",
        "interest_income_loans": "702",
        "penalty_income": "703",
        "fee_income": "704",
        "membership_fee_income": "711",
        "account_opening_fee_income": "712",
        "tontine_commission_income": "713",
        "till_surplus": "771",
        "provision_reversal_income": "791",
        "recoveries_income": "792",
        "guarantees_received": "931",
    },
    arrears_buckets=(
        ArrearsBucket("saine", "Créances saines (à jour)", 0, 0, 0, "saine", "performing"),
        ArrearsBucket("impayee", "Créances impayées de 1 à 45 jours", 1, 45, None,
                      "impayee", "past_due"),
        ArrearsBucket("immobilisee", "Créances immobilisées de 46 à 90 jours" + _INDICATIVE,
                      46, 90, None, "immobilisee", "past_due"),
        ArrearsBucket("douteuse_3_6", "Créances douteuses de 3 à 6 mois" + _INDICATIVE,
                      91, 180, None, "douteuse", "doubtful"),
        ArrearsBucket("douteuse_6_12", "Créances douteuses de 6 à 12 mois" + _INDICATIVE,
                      181, 365, None, "douteuse", "doubtful"),
        ArrearsBucket("douteuse_12_24", "Créances douteuses de 12 à 24 mois" + _INDICATIVE,
                      366, 730, None, "douteuse", "doubtful"),
        ArrearsBucket("irrecouvrable", "Plus de 24 mois — irrécouvrables" + _INDICATIVE,
                      731, None, None, "irrecouvrable", "loss"),
    ),
    classification_accounts={
        "saine": "321",
        "impayee": "341",
        "immobilisee": "342",
        "douteuse": "345",
        "restructuree": "348",
    },
    arrears_moves_whole_outstanding=True,
    provisioning_base="outstanding",
    usury_rate_bp=None,
    usury_decision="Taux de l'usure fixé par chaque État de la CEMAC : à renseigner.",
    usury_start=None,
    teg_method="proportional",
    teg_methods_allowed=("proportional", "actuarial"),
    teg_definition=(
        "Taux de période tiré de l'équation actuarielle des flux, annualisé "
        "proportionnellement (pratique camerounaise)."
    ),
    single_borrower_limit_bp=1000,
    single_borrower_base="paid_up_capital",
    par_watch_days=None,
    par_watch_bp=None,
    immobilised_after_days=45,
    seasonal_immobilised_after_days=90,
    max_schedule_extensions=None,
    prudential_ratios=(
        PrudentialRatio("single_borrower", "Division des risques (un même client)", "<=", 1000,
                        "Réglementation COBAC des EMF"),
    ),
    sources=(
        "Plan comptable des établissements de microfinance (PCEMF, COBAC)",
        "Règlement COBAC R-2017/07 (classement des créances des EMF)",
    ),
    notes=(
        "Créances « saines » ou « en souffrance » ; immobilisées après 45 jours d'impayé "
        "(90 jours pour les crédits de campagne agricole).",
        "Taux de provision et tranches au-delà de 45 jours : à paramétrer.",
        "Base de provision : encours brut par défaut, à confirmer.",
    ),
)


# --- BCC / DR Congo: COOPEC and IMF, PCCI ----------------------------------------------------

_BCC_CHART = _chart([
    # Classe 0 — hors bilan
    ("01", "Engagements de financement", "off_balance"),
    ("011", "Crédits accordés non encore décaissés", "off_balance"),
    ("04", "Engagements de garantie", "off_balance"),
    ("041", "Garanties reçues des membres et cautions", "off_balance"),
    ("042", "Garanties réelles reçues (nantissements, hypothèques)", "off_balance"),
    # Classe 1 — fonds propres
    ("10", "Capital", "equity"),
    ("101", "Capital social — parts sociales libérées", "equity"),
    ("11", "Réserves", "equity"),
    ("111", "Réserve légale", "equity"),
    ("112", "Réserves statutaires", "equity"),
    ("12", "Report à nouveau", "equity"),
    ("121", "Report à nouveau", "equity"),
    ("13", "Résultat net", "equity"),
    ("131", "Résultat de l'exercice", "equity"),
    # Classe 2 — immobilisations
    ("24", "Matériel", "asset"),
    ("241", "Matériel et mobilier de bureau", "asset"),
    ("244", "Matériel informatique", "asset"),
    # Classe 3 — opérations avec les membres
    ("31", "Crédits à moyen terme", "asset"),
    ("319", "Autres crédits à moyen terme", "asset"),
    ("32", "Crédits à court terme", "asset"),
    ("321", "Crédits à court terme aux membres", "asset"),
    ("322", "Crédits agricoles et saisonniers", "asset"),
    ("33", "Dépôts et épargne des membres", "liability"),
    ("331", "Dépôts à vue — épargne libre", "liability"),
    ("332", "Épargne programmée", "liability"),
    ("333", "Dépôts à terme — épargne bloquée", "liability"),
    ("334", "Épargne tontine (likelemba)", "liability"),
    ("335", "Épargne rémunérée", "liability"),
    ("38", "Créances rattachées", "asset"),
    ("381", "Intérêts courus à recevoir sur crédits", "asset"),
    ("39", "Créances litigieuses ou en retard", "asset"),
    ("391", "Crédits prorogés", "asset"),
    ("392", "Crédits impayés", "asset"),
    ("393", "Créances douteuses", "asset"),
    ("394", "Créances contentieuses", "asset"),
    ("395", "Créances irrécupérables", "asset"),
    ("399", "Provisions pour créances litigieuses", "asset", _CONTRA),
    # Classe 4 — autres tiers et régularisation
    ("44", "État", "liability"),
    ("447", "État — impôt mobilier retenu sur intérêts (IM)", "liability"),
    ("47", "Comptes d'attente", "asset"),
    ("471", "Compte d'attente à régulariser (suspens)", "asset"),
    # Classe 5 — trésorerie
    ("52", "Banques", "asset"),
    ("521", "Banques locales — comptes ordinaires", "asset"),
    ("55", "Monnaie électronique", "asset"),
    ("551", "Comptes mobile money (M-Pesa, Orange Money, Airtel Money)", "asset"),
    ("57", "Caisse", "asset"),
    ("571", "Caisse principale (coffre)", "asset"),
    ("572", "Caisses auxiliaires (guichets)", "asset"),
    # Classe 6 — charges
    ("61", "Charges financières sur opérations avec les membres", "expense"),
    ("611", "Intérêts sur dépôts et épargne des membres", "expense"),
    ("65", "Pertes sur créances", "expense"),
    ("651", "Pertes sur créances irrécupérables", "expense"),
    ("66", "Charges et pertes diverses", "expense"),
    ("664", "Manquants de caisse", "expense"),
    ("68", "Dotations aux provisions", "expense"),
    ("681", "Dotations aux provisions pour créances litigieuses", "expense"),
    # Classe 7 — produits
    ("71", "Produits financiers sur opérations avec les membres", "income"),
    ("711", "Intérêts sur crédits aux membres", "income"),
    ("712", "Pénalités de retard", "income"),
    ("713", "Commissions et frais de dossier sur crédits", "income"),
    ("72", "Commissions et produits de services", "income"),
    ("721", "Droits d'adhésion", "income"),
    ("722", "Frais d'ouverture de compte", "income"),
    ("723", "Commissions sur tontines", "income"),
    ("76", "Produits et profits divers", "income"),
    ("764", "Excédents de caisse", "income"),
    ("78", "Reprises de provisions et récupérations", "income"),
    ("781", "Reprises de provisions pour créances litigieuses", "income"),
    ("782", "Récupérations sur créances amorties", "income"),
])

_BCC = RegulatorProfile(
    code="bcc",
    name="BCC — Coopératives d'épargne et de crédit et IMF (RD Congo)",
    regulator="Banque Centrale du Congo",
    zone="RDC",
    countries=("CD",),
    institution_type="COOPEC",
    currencies=("CDF", "USD"),
    # COOPECs lend and collect mostly in dollars; francs are kept beside.
    default_currency="USD",
    chart_name="PCCI",
    classes={
        "0": "Hors bilan",
        "1": "Fonds propres et emprunts à plus d'un an",
        "2": "Immobilisations",
        "3": "Opérations avec les membres et la clientèle",
        "4": "Autres comptes de tiers et de régularisation",
        "5": "Trésorerie",
        "6": "Charges",
        "7": "Produits",
    },
    chart=_BCC_CHART,
    gl_keys={
        "guarantees_received": "041",
        "share_capital": "101",
        "reserves": "111",
        "retained_earnings": "121",
        "result_of_year": "131",
        "loans_outstanding": "321",
        "savings_free": "331",
        "savings_scheduled": "332",
        "savings_blocked": "333",
        "savings_tontine": "334",
        "savings_interest_bearing": "335",
        "interest_receivable": "381",
        "loans_rescheduled": "391",
        "loans_in_arrears": "392",
        "loan_loss_provisions": "399",
        "withholding_tax_payable": "447",
        "suspense": "471",
        "bank": "521",
        "mobile_money": "551",
        "cash_vault": "571",
        "cash_till": "572",
        "interest_expense_savings": "611",
        "write_off_expense": "651",
        "till_shortage": "664",
        "provision_expense": "681",
        "interest_income_loans": "711",
        "penalty_income": "712",
        "fee_income": "713",
        "membership_fee_income": "721",
        "account_opening_fee_income": "722",
        "tontine_commission_income": "723",
        "till_surplus": "764",
        "provision_reversal_income": "781",
        "recoveries_income": "782",
    },
    arrears_buckets=(
        ArrearsBucket("sain", "Crédits sains (à jour)", 0, 0, 0, "sain", "performing"),
        ArrearsBucket("impaye", "Crédits impayés de 1 à 90 jours" + _INDICATIVE, 1, 90, None,
                      "impaye", "past_due"),
        ArrearsBucket("douteux", "Créances douteuses de 91 à 180 jours" + _INDICATIVE,
                      91, 180, None, "douteux", "doubtful"),
        ArrearsBucket("contentieux", "Créances contentieuses de 181 à 365 jours" + _INDICATIVE,
                      181, 365, None, "contentieux", "doubtful"),
        ArrearsBucket("irrecuperable", "Créances irrécupérables, plus de 365 jours" + _INDICATIVE,
                      366, None, None, "irrecuperable", "loss"),
    ),
    # "Prorogé" is a status (schedule extended once), not an age: the loan
    # keeps its bucket for provisioning but sits in its own account.
    classification_accounts={
        "sain": "321",
        "proroge": "391",
        "impaye": "392",
        "douteux": "393",
        "contentieux": "394",
        "irrecuperable": "395",
    },
    arrears_moves_whole_outstanding=True,
    provisioning_base="outstanding",
    usury_rate_bp=None,
    usury_decision="Aucun taux d'usure publié trouvé pour les COOPEC et IMF : à renseigner.",
    usury_start=None,
    teg_method="proportional",
    teg_methods_allowed=("proportional", "actuarial"),
    teg_definition=(
        "Taux tiré du tableau d'amortissement, frais et commissions compris ; méthode "
        "d'annualisation à confirmer par l'institution."
    ),
    single_borrower_limit_bp=None,
    single_borrower_base="equity",
    par_watch_days=None,
    par_watch_bp=None,
    immobilised_after_days=None,
    seasonal_immobilised_after_days=None,
    max_schedule_extensions=1,
    sources=(
        "Plan comptable des COOPEC et IMF (PCCI, BCC, juillet 2009)",
        "Instruction n° 003 de la BCC (classement des crédits)",
    ),
    notes=(
        "Crédits « sains » ou « litigieux » : prorogés, impayés, douteux, contentieux, "
        "irrécupérables.",
        "Un échéancier ne peut être prorogé qu'une seule fois.",
        "Tranches en jours et taux de provision : à paramétrer.",
    ),
)


PROFILES: Mapping[str, RegulatorProfile] = MappingProxyType(
    {p.code: p for p in (_BCEAO, _COBAC, _BCC)}
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
