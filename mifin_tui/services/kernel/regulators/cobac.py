"""The COBAC profile (CEMAC): microfinance institutions (EMF), the PCEMF chart.

Figures and article citations from the texts named in `sources`.
"""

from __future__ import annotations

from mifin_tui.services.kernel.regulators.profile import (
    CONTRA,
    INDICATIVE,
    ArrearsBucket,
    PrudentialRatio,
    RegulatorProfile,
    build_chart,
)

CHART = build_chart([
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
    ("349", "Intérêts et agios réservés", "asset", CONTRA),
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
    ("394", "Provisions pour créances en souffrance", "asset", CONTRA),
    # Classe 4 — tiers et régularisation
    ("42", "Personnel", "asset"),
    ("421", "Personnel — manquants de caisse à rembourser", "asset"),
    ("44", "État et organismes publics", "liability"),
    ("445", "État — impôts retenus sur revenus de l'épargne (IRCM)", "liability"),
    ("46", "Créditeurs divers", "liability"),
    ("461", "Paiements reçus à affecter", "liability"),
    ("462", "Excédents de caisse à régulariser", "liability"),
    ("47", "Comptes d'attente", "asset"),
    ("471", "Compte d'attente à régulariser (suspens)", "asset"),
    ("472", "Manquants de caisse à régulariser", "asset"),
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


PROFILE = RegulatorProfile(
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
    chart=CHART,
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
        "interest_reserved": "349",
        "loan_loss_provisions": "394",
        "withholding_tax_payable": "445",
        "suspense": "471",
        "cash_shortage_suspense": "472",
        "cash_surplus_suspense": "462",
        "cashier_receivable": "421",
        "payments_suspense": "461",
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
    # Règlement COBAC EMF R-2017/07 (classification, comptabilisation et provisionnement
    # des créances des EMF): art. 1 scope, art. 2 "créances saines" / "créances en
    # souffrance", classed whatever their guarantees. Règlement COBAC EMF 2002/18 (which
    # it replaces): art. 2 en souffrance = immobilisées, impayées, douteuses; art. 3
    # immobilisées after 45 days (90 for crop loans); art. 4 impayées = "sommes non
    # payées à l'échéance normale". The rates of the later articles could not be read
    # from a public copy: they are the institution's (asked at `mifin init`).
    arrears_buckets=(
        ArrearsBucket("saine", "Créances saines (à jour)", 0, 0, 0, "saine", "performing",
                      "Règlement COBAC EMF R-2017/07, art. 2"),
        ArrearsBucket("impayee", "Créances impayées de 1 à 45 jours", 1, 45, None,
                      "impayee", "past_due", "Règlement COBAC EMF 2002/18, art. 4"),
        ArrearsBucket("immobilisee", "Créances immobilisées de 46 à 90 jours" + INDICATIVE,
                      46, 90, None, "immobilisee", "past_due",
                      "Règlement COBAC EMF 2002/18, art. 3"),
        ArrearsBucket("douteuse_3_6", "Créances douteuses de 3 à 6 mois" + INDICATIVE,
                      91, 180, None, "douteuse", "doubtful"),
        ArrearsBucket("douteuse_6_12", "Créances douteuses de 6 à 12 mois" + INDICATIVE,
                      181, 365, None, "douteuse", "doubtful"),
        ArrearsBucket("douteuse_12_24", "Créances douteuses de 12 à 24 mois" + INDICATIVE,
                      366, 730, None, "douteuse", "doubtful"),
        ArrearsBucket("irrecouvrable", "Plus de 24 mois — irrécouvrables" + INDICATIVE,
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
    # EMF 2002/18 art. 4: "sommes non payées à l'échéance normale": any sum of the
    # instalment; penalties are not named, the text is silent: the conservative reading,
    # unpaid penalties age the loan.
    penalties_age_loans=True,
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
    restructured_class="restructuree",
    reserve_interest_from="douteuse_3_6",
    reserved_interest_source=(
        "Règlement COBAC R-2017/07 (classement des créances des EMF) : les intérêts sur "
        "créances douteuses ne sont pas constatés en produits mais réservés jusqu'à leur "
        "encaissement (article et numéro PCEMF du compte de réserve à confirmer)"
    ),
    prudential_ratios=(
        PrudentialRatio("single_borrower", "Division des risques (un même client)", "<=", 1000,
                        "Réglementation COBAC des EMF"),
    ),
    sources=(
        "Plan comptable des établissements de microfinance (PCEMF, COBAC)",
        "Règlement COBAC EMF R-2017/07 relatif à la classification, à la comptabilisation "
        "et au provisionnement des créances des EMF (art. 1 et 2)",
        "Règlement COBAC EMF 2002/18 relatif à la comptabilisation et au provisionnement "
        "des créances douteuses (art. 2 à 4)",
    ),
    notes=(
        "Créances « saines » ou « en souffrance » ; immobilisées après 45 jours d'impayé "
        "(90 jours pour les crédits de campagne agricole).",
        "Taux de provision fixés par l'institution (demandés à l'initialisation) ; "
        "tranches au-delà de 90 jours indicatives.",
        "Pénalités impayées : elles font vieillir la créance (texte muet, lecture prudente).",
        "Base de provision : encours brut par défaut, à confirmer.",
        "Manquants et excédents de caisse à régulariser, créance sur le caissier : "
        "comptes 472, 462 et 421 choisis dans la classe des comptes d'attente et des "
        "tiers (numéros à confirmer sur le plan officiel).",
    ),
)
