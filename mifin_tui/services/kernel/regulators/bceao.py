"""The BCEAO profile (UEMOA): decentralised financial systems (SFD), the RCSFD chart.

Figures and article citations from the texts named in `sources`.
"""

from __future__ import annotations

from datetime import date

from mifin_tui.services.kernel.regulators.profile import (
    CONTRA,
    ArrearsBucket,
    PrudentialRatio,
    RegulatorProfile,
    build_chart,
)

CHART = build_chart([
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
    ("298", "Intérêts réservés sur créances en souffrance", "asset", CONTRA),
    ("299", "Provisions pour créances en souffrance", "asset", CONTRA),
    # Classe 3 — opérations sur titres et opérations diverses
    ("34", "Débiteurs et créditeurs divers", "liability"),
    ("342", "État — impôts retenus à la source sur intérêts (IRC)", "liability"),
    ("343", "Créditeurs divers — paiements reçus à affecter", "liability"),
    ("344", "Créditeurs divers — excédents de caisse à régulariser", "liability"),
    ("38", "Comptes d'attente et de régularisation", "asset"),
    ("381", "Compte d'attente à régulariser (suspens)", "asset"),
    ("382", "Manquants de caisse à régulariser", "asset"),
    ("383", "Personnel — manquants de caisse à rembourser", "asset"),
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

PROFILE = RegulatorProfile(
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
    chart=CHART,
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
        "interest_reserved": "298",
        "loan_loss_provisions": "299",
        "withholding_tax_payable": "342",
        "suspense": "381",
        "cash_shortage_suspense": "382",
        "cash_surplus_suspense": "344",
        "cashier_receivable": "383",
        "payments_suspense": "343",
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
    # Instruction BCEAO n° 017-12-2010 (classement comptable et provisionnement des
    # créances en souffrance des SFD) and the RCSFD: a loan with an instalment unpaid is
    # "en souffrance" as a whole; provision optional up to 3 months, then 40 %, 80 %,
    # 100 % of the outstanding less the deposits pledged; written off after 24 months.
    # The article numbers could not be checked against a public copy of the text.
    arrears_buckets=(
        ArrearsBucket("sain", "Encours sain (à jour)", 0, 0, 0, "sain", "performing",
                      "RCSFD"),
        ArrearsBucket("s0_3", "En souffrance de 0 à 3 mois (provision facultative)",
                      1, 90, 0, "en_souffrance", "past_due", "Instruction n° 017-12-2010"),
        ArrearsBucket("s3_6", "En souffrance de 3 à 6 mois", 91, 180, 4000,
                      "en_souffrance", "doubtful", "Instruction n° 017-12-2010"),
        ArrearsBucket("s6_12", "En souffrance de 6 à 12 mois", 181, 365, 8000,
                      "en_souffrance", "doubtful", "Instruction n° 017-12-2010"),
        ArrearsBucket("s12_24", "En souffrance de 12 à 24 mois", 366, 730, 10000,
                      "en_souffrance", "doubtful", "Instruction n° 017-12-2010"),
        ArrearsBucket("perte", "Plus de 24 mois — à passer en perte", 731, None, 10000,
                      "passe_en_perte", "loss", "Instruction n° 017-12-2010"),
    ),
    classification_accounts={
        "sain": "201",
        "en_souffrance": "291",
        "immobilise": "292",
    },
    arrears_moves_whole_outstanding=True,
    # The texts speak of instalments (principal and interest) unpaid and are silent on
    # late-payment penalties: the conservative reading, unpaid penalties age the loan.
    penalties_age_loans=True,
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
    restructured_class="immobilise",
    reserve_interest_from="s3_6",
    reserved_interest_source=(
        "RCSFD (Instruction n° 025-02-2009), fonctionnement des comptes 29 « créances en "
        "souffrance » : les intérêts échus non encaissés sur créances douteuses ne sont "
        "pas des produits, ils sont réservés jusqu'à leur encaissement (article exact et "
        "numéro du compte de réserve à confirmer sur le texte) ; à partir de 3 mois "
        "d'impayés, première tranche provisionnée obligatoirement"
    ),
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
        "Instruction BCEAO n° 017-12-2010 (classement et provisionnement des créances en "
        "souffrance des SFD)",
        "Loi uniforme portant définition et répression de l'usure ; "
        "décision CM/UMOA/011/06/2013",
    ),
    notes=(
        "Provision sur l'encours diminué des dépôts nantis de l'emprunteur ou des cautions.",
        "Liquidité : 80 % pour un SFD mutualiste affilié, 60 % pour un SFD sans dépôts.",
        "Les créances rééchelonnées (immobilisées) sont présentées à part.",
        "Manquants et excédents de caisse à régulariser, créance sur le caissier : "
        "comptes 382, 344 et 383 choisis dans la classe des comptes d'attente et des "
        "tiers (numéros à confirmer sur le plan officiel).",
    ),
)
