"""The BCC profile (DR Congo): savings and credit cooperatives (COOPEC) and IMF, the
PCCI chart.

Figures and article citations from the texts named in `sources`.
"""

from __future__ import annotations

from mifin_tui.services.kernel.regulators.profile import (
    CONTRA,
    INDICATIVE,
    ArrearsBucket,
    RegulatorProfile,
    build_chart,
)

CHART = build_chart([
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
    ("398", "Intérêts réservés sur créances litigieuses", "asset", CONTRA),
    ("399", "Provisions pour créances litigieuses", "asset", CONTRA),
    # Classe 4 — autres tiers et régularisation
    ("42", "Personnel", "asset"),
    ("421", "Personnel — manquants de caisse à rembourser", "asset"),
    ("44", "État", "liability"),
    ("447", "État — impôt mobilier retenu sur intérêts (IM)", "liability"),
    ("46", "Créditeurs divers", "liability"),
    ("461", "Paiements reçus à affecter", "liability"),
    ("462", "Excédents de caisse à régulariser", "liability"),
    ("47", "Comptes d'attente", "asset"),
    ("471", "Compte d'attente à régulariser (suspens)", "asset"),
    ("472", "Manquants de caisse à régulariser", "asset"),
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

PROFILE = RegulatorProfile(
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
    chart=CHART,
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
        "interest_reserved": "398",
        "loan_loss_provisions": "399",
        "withholding_tax_payable": "447",
        "suspense": "471",
        "cash_shortage_suspense": "472",
        "cash_surplus_suspense": "462",
        "cashier_receivable": "421",
        "payments_suspense": "461",
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
    # Instruction n° 003 (BCC, classification et provisionnement des crédits des COOPEC
    # et IMF): art. 2 sains / litigieux; art. 3 "sains: aucune échéance en retard de
    # paiement" (hence 0 days and 0 %); art. 4 the litigious categories (prorogés,
    # impayés, douteux, contentieux, irrécupérables); art. 5 prorogation once only. The
    # day bounds and rates of the later articles could not be read from a public copy:
    # the bounds are indicative and the rates are the institution's (`mifin init` and
    # the provision-rates screen ask; the closing refuses to run on an empty rate).
    arrears_buckets=(
        ArrearsBucket("sain", "Crédits sains (à jour)", 0, 0, 0, "sain", "performing",
                      "Instruction n° 003 BCC, art. 2 et 3"),
        ArrearsBucket("impaye", "Crédits impayés de 1 à 90 jours" + INDICATIVE, 1, 90, None,
                      "impaye", "past_due", "Instruction n° 003 BCC, art. 4"),
        ArrearsBucket("douteux", "Créances douteuses de 91 à 180 jours" + INDICATIVE,
                      91, 180, None, "douteux", "doubtful", "Instruction n° 003 BCC, art. 4"),
        ArrearsBucket("contentieux", "Créances contentieuses de 181 à 365 jours" + INDICATIVE,
                      181, 365, None, "contentieux", "doubtful",
                      "Instruction n° 003 BCC, art. 4"),
        ArrearsBucket("irrecuperable", "Créances irrécupérables, plus de 365 jours" + INDICATIVE,
                      366, None, None, "irrecuperable", "loss", "Instruction n° 003 BCC, art. 4"),
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
    # Art. 3 counts "une échéance en retard de paiement" and says nothing of late-payment
    # penalties: silent, so the conservative reading: an instalment is late while any of
    # it, penalties included, is unpaid.
    penalties_age_loans=True,
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
    restructured_class="proroge",
    reserve_interest_from="douteux",
    reserved_interest_source=(
        "Instruction BCC n° 003 aux COOPEC et IMF (créances litigieuses) : les intérêts "
        "échus et non perçus des créances douteuses, contentieuses et irrécupérables sont "
        "réservés, non comptabilisés en produits (article et numéro de compte à confirmer)"
    ),
    sources=(
        "Plan comptable des COOPEC et IMF (PCCI, BCC, juillet 2009)",
        "Instruction n° 003 de la BCC aux COOPEC et IMF relative à la classification et au "
        "provisionnement des crédits (art. 1 à 5 : assujettis, crédits sains et litigieux, "
        "prorogation unique)",
    ),
    notes=(
        "Crédits « sains » ou « litigieux » : prorogés, impayés, douteux, contentieux, "
        "irrécupérables.",
        "Un échéancier ne peut être prorogé qu'une seule fois.",
        "Tranches en jours indicatives ; taux de provision des crédits litigieux fixés par "
        "l'institution (demandés à l'initialisation, écran Taux de provision).",
        "Pénalités impayées : elles font vieillir le crédit (texte muet, lecture prudente).",
        "Manquants et excédents de caisse à régulariser, créance sur le caissier : "
        "comptes 472, 462 et 421 choisis dans la classe des comptes d'attente et des "
        "tiers (numéros à confirmer sur le plan officiel).",
    ),
)
