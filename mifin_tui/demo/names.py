"""Names, places and trades for generating a believable demo institution.

A demo filled with "John Doe" teaches a branch nothing and hides layout bugs
(long post-names, accented communes, "N'Djamena"). These lists follow each
zone's naming habits: DR Congo members carry a surname, a post-name and a
first name; West and Central Africa a surname and a first name.

Everything is drawn from a `random.Random` the caller seeds, so a demo built
from seed 42 is the same on every machine (screenshots and tests rely on it).
Pure data: no database, no Textual.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, NamedTuple

__all__ = [
    "ZONES",
    "Place",
    "random_branch_name",
    "random_group_name",
    "random_institution_name",
    "random_person",
    "random_phone",
]

ZONES = ("bcc", "bceao", "cobac")


class Place(NamedTuple):
    commune: str       # commune, arrondissement or territoire
    city: str          # ville or district
    province: str      # province (DRC) or région
    country: str       # ISO 3166 alpha-2


# --- first names -------------------------------------------------------------------

MALE_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "bcc": (
        "Jean", "Pierre", "Joseph", "Patrick", "Didier", "Fiston", "Trésor", "Christian",
        "Jean-Marie", "Héritier", "Blaise", "Dieudonné", "Papy", "Cédric", "Junior",
        "Emmanuel", "Prince", "Gloire", "Glody", "Israël", "Jonathan", "Serge", "Guy",
        "Richard", "Alain", "Olivier", "Éric", "Delphin", "Pascal", "Sylvain", "Albert",
        "Faustin", "Moïse", "Benjamin", "Josué", "Aimé", "Rodrigue", "Jean-Claude",
    ),
    "bceao": (
        "Mamadou", "Moussa", "Ibrahima", "Abdoulaye", "Ousmane", "Amadou", "Seydou",
        "Souleymane", "Boubacar", "Issa", "Lassina", "Yacouba", "Aliou", "Modou", "Cheikh",
        "Babacar", "Serigne", "Koffi", "Kouadio", "Kodjo", "Komlan", "Kossi", "Koami",
        "Rodrigue", "Jean-Baptiste", "Armand", "Hervé", "Idrissa", "Salif", "Oumar",
        "Saïdou", "Hamidou", "Harouna", "Inoussa", "Arouna", "Mahamadou", "Abdou",
    ),
    "cobac": (
        "Jean-Pierre", "Paul", "François", "Martin", "Emmanuel", "Serge", "Hervé", "Patrice",
        "Armel", "Landry", "Boris", "Yannick", "Brice", "Arnaud", "Aristide", "Christian",
        "Thierry", "Guy-Roger", "Fabrice", "Ghislain", "Francis", "Joël", "Mahamat", "Abakar",
        "Hassan", "Idriss", "Roland", "Blaise", "Célestin", "Didier", "Gaël", "Parfait",
        "Sylvestre", "Junior", "Ulrich", "Steve", "Cyrille",
    ),
}

FEMALE_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "bcc": (
        "Marie", "Jeanne", "Chantal", "Esther", "Nathalie", "Grâce", "Merveille", "Ruth",
        "Sarah", "Rachel", "Béatrice", "Thérèse", "Anne", "Jolie", "Mamie", "Nadège",
        "Francine", "Odette", "Solange", "Clarisse", "Sylvie", "Aline", "Claudine",
        "Joséphine", "Henriette", "Pascaline", "Divine", "Bijou", "Gracia", "Naomie",
        "Rebecca", "Christelle", "Dorcas", "Espérance", "Patience", "Fidélie",
    ),
    "bceao": (
        "Aminata", "Fatoumata", "Awa", "Mariam", "Aïssatou", "Kadiatou", "Fatou", "Coumba",
        "Ndèye", "Khady", "Rokia", "Salimata", "Assétou", "Mariétou", "Oumou", "Bintou",
        "Djénéba", "Ramatou", "Haoua", "Zalissa", "Rasmata", "Adjoa", "Akissi", "Amenan",
        "Affoué", "Ahou", "Akouvi", "Afi", "Ablavi", "Afiavi", "Gisèle", "Pélagie", "Edwige",
        "Clémence", "Félicité", "Mariama",
    ),
    "cobac": (
        "Marie-Claire", "Jeanne", "Odile", "Pauline", "Brigitte", "Hortense", "Chantal",
        "Sandrine", "Carine", "Linda", "Nadège", "Solange", "Estelle", "Yolande", "Clarisse",
        "Rosine", "Viviane", "Mireille", "Prisca", "Flore", "Josiane", "Gertrude",
        "Bernadette", "Françoise", "Léontine", "Suzanne", "Achta", "Zénaba", "Khadija",
        "Ornella", "Grâce", "Laure", "Christelle", "Raïssa", "Murielle", "Armelle",
    ),
}

# --- surnames (and DRC post-names) ---------------------------------------------------

SURNAMES: dict[str, tuple[str, ...]] = {
    "bcc": (
        "Mukendi", "Kabongo", "Tshibanda", "Ilunga", "Kalala", "Mbuyi", "Lukusa", "Nzuzi",
        "Mputu", "Kasongo", "Mulumba", "Ngalula", "Kabasele", "Tshimanga", "Mwamba",
        "Banza", "Kalonji", "Mbala", "Lumbala", "Matondo", "Makiese", "Nsimba", "Lutete",
        "Kiala", "Mavungu", "Ndombe", "Bokungu", "Bolamba", "Lokonda", "Likuta", "Mangala",
        "Kambale", "Kasereka", "Muhindo", "Paluku", "Mumbere", "Mutombo", "Kazadi", "Ngoy",
        "Kyungu", "Ntumba", "Mbombo", "Biaya", "Mbayo", "Musau", "Kitenge", "Tshiala",
        "Kapinga", "Mujinga",
    ),
    "bceao": (
        "Diallo", "Traoré", "Koné", "Ouédraogo", "Sawadogo", "Diop", "Ndiaye", "Kouassi",
        "Yao", "Mensah", "Coulibaly", "Keïta", "Sow", "Ba", "Fall", "Sy", "Gueye", "Faye",
        "Sarr", "Cissé", "Touré", "Camara", "Kaboré", "Compaoré", "Zongo", "Ilboudo",
        "Konaté", "Sangaré", "Diarra", "Dembélé", "Bamba", "Ouattara", "Kouamé",
        "N'Guessan", "Konan", "Amoussou", "Adjovi", "Hounkpatin", "Dossou", "Akakpo",
        "Lawson", "Maïga", "Garba", "Dicko", "Sidibé", "Mbaye", "Thiam", "Sanogo",
        "Zoungrana", "Tapsoba",
    ),
    "cobac": (
        "Ngono", "Mbarga", "Atangana", "Essomba", "Onana", "Fouda", "Ndzana", "Owona",
        "Abena", "Nguema", "Ondo", "Mba", "Obiang", "Ndong", "Nze", "Mintsa", "Moussavou",
        "Mabika", "Boussougou", "Ngoma", "Mabiala", "Massamba", "Loubaki", "Moukoko",
        "Bikindou", "Malonga", "Mavoungou", "Tchicaya", "Nkounkou", "Djimadoum", "Ngarlem",
        "Abdelkerim", "Yakité", "Ngaba", "Kamga", "Fotso", "Tchatchoua", "Kengne",
        "Djoumessi", "Tagne", "Wamba", "Fokam", "Simo", "Njoya", "Ekwalla", "Ebongue",
        "Ekambi", "Mouelle",
    ),
}

# DRC members are filed "SURNAME POSTNAME First-name": the post-name is a second
# family name, often the father's; other zones have none.
POSTNAMES: dict[str, tuple[str, ...]] = {
    "bcc": (
        "Mukendi", "Kabongo", "Tshibanda", "Ilunga", "Kalala", "Mbuyi", "Lukusa", "Nzuzi",
        "Mputu", "Ngandu", "Mbiya", "Kanku", "Tshiyombo", "Beya", "Mpiana", "Kabeya",
        "Nkongolo", "Lusamba", "Wa Ilunga", "Kayembe", "Mulamba", "Tshilombo", "Kaseya",
        "Nsumbu", "Bakajika", "Mayala", "Lokwa", "Bafwa", "Sikuli", "Kahindo",
    ),
}

# --- places ---------------------------------------------------------------------------

PLACES: dict[str, tuple[Place, ...]] = {
    "bcc": tuple(
        [Place(c, "Kinshasa", "Kinshasa", "CD") for c in (
            "Kalamu", "Lingwala", "Masina", "Ngaliema", "Barumbu", "Bandalungwa", "Kasa-Vubu",
            "Kintambo", "Lemba", "Limete", "Matete", "Ngiri-Ngiri", "Kimbanseke", "N'djili",
            "Selembao", "Makala", "Bumbu", "Ngaba", "Kisenso", "Mont-Ngafula",
        )]
        + [Place(c, "Lubumbashi", "Haut-Katanga", "CD") for c in (
            "Kampemba", "Kenya", "Katuba", "Kamalondo", "Rwashi", "Annexe",
        )]
        + [Place(c, "Bukavu", "Sud-Kivu", "CD") for c in ("Ibanda", "Kadutu", "Bagira")]
        + [Place(c, "Goma", "Nord-Kivu", "CD") for c in ("Goma", "Karisimbi")]
        + [Place(c, "Kisangani", "Tshopo", "CD") for c in ("Makiso", "Tshopo", "Mangobo")]
        + [Place(c, "Kananga", "Kasaï-Central", "CD") for c in (
            "Kananga", "Katoka", "Lukonga", "Ndesha", "Nganza",
        )]
        + [Place(c, "Mbuji-Mayi", "Kasaï-Oriental", "CD") for c in (
            "Bipemba", "Dibindi", "Diulu", "Kanshi", "Muya",
        )]
        + [Place(c, "Matadi", "Kongo-Central", "CD") for c in ("Matadi", "Mvuzi", "Nzanza")]
        + [Place("Lukolela", "Kikwit", "Kwilu", "CD"), Place("Vulamba", "Butembo", "Nord-Kivu",
                                                              "CD")]
    ),
    "bceao": (
        Place("Médina", "Dakar", "Dakar", "SN"),
        Place("Grand Yoff", "Dakar", "Dakar", "SN"),
        Place("Parcelles Assainies", "Dakar", "Dakar", "SN"),
        Place("Pikine", "Pikine", "Dakar", "SN"),
        Place("Guédiawaye", "Guédiawaye", "Dakar", "SN"),
        Place("Thiès Nord", "Thiès", "Thiès", "SN"),
        Place("Thiès Est", "Thiès", "Thiès", "SN"),
        Place("Kaolack", "Kaolack", "Kaolack", "SN"),
        Place("Commune I", "Bamako", "District de Bamako", "ML"),
        Place("Commune IV", "Bamako", "District de Bamako", "ML"),
        Place("Commune VI", "Bamako", "District de Bamako", "ML"),
        Place("Ségou", "Ségou", "Ségou", "ML"),
        Place("Sikasso", "Sikasso", "Sikasso", "ML"),
        Place("Arrondissement 4", "Ouagadougou", "Centre", "BF"),
        Place("Arrondissement 9", "Ouagadougou", "Centre", "BF"),
        Place("Dô", "Bobo-Dioulasso", "Hauts-Bassins", "BF"),
        Place("Konsa", "Bobo-Dioulasso", "Hauts-Bassins", "BF"),
        Place("Koudougou", "Koudougou", "Centre-Ouest", "BF"),
        Place("Abobo", "Abidjan", "District autonome d'Abidjan", "CI"),
        Place("Yopougon", "Abidjan", "District autonome d'Abidjan", "CI"),
        Place("Adjamé", "Abidjan", "District autonome d'Abidjan", "CI"),
        Place("Treichville", "Abidjan", "District autonome d'Abidjan", "CI"),
        Place("Koumassi", "Abidjan", "District autonome d'Abidjan", "CI"),
        Place("Bouaké", "Bouaké", "Gbêkê", "CI"),
        Place("Korhogo", "Korhogo", "Poro", "CI"),
        Place("Daloa", "Daloa", "Haut-Sassandra", "CI"),
        Place("Bè", "Lomé", "Maritime", "TG"),
        Place("Tokoin", "Lomé", "Maritime", "TG"),
        Place("Agoè-Nyivé", "Lomé", "Maritime", "TG"),
        Place("Kara", "Kara", "Kara", "TG"),
        Place("5e arrondissement", "Cotonou", "Littoral", "BJ"),
        Place("13e arrondissement", "Cotonou", "Littoral", "BJ"),
        Place("Abomey-Calavi", "Abomey-Calavi", "Atlantique", "BJ"),
        Place("Porto-Novo", "Porto-Novo", "Ouémé", "BJ"),
        Place("Parakou", "Parakou", "Borgou", "BJ"),
        Place("Niamey II", "Niamey", "Niamey", "NE"),
        Place("Niamey IV", "Niamey", "Niamey", "NE"),
        Place("Maradi", "Maradi", "Maradi", "NE"),
        Place("Zinder", "Zinder", "Zinder", "NE"),
    ),
    "cobac": (
        Place("Akwa", "Douala", "Littoral", "CM"),
        Place("New Bell", "Douala", "Littoral", "CM"),
        Place("Bonabéri", "Douala", "Littoral", "CM"),
        Place("Bonamoussadi", "Douala", "Littoral", "CM"),
        Place("Deïdo", "Douala", "Littoral", "CM"),
        Place("Mvog-Mbi", "Yaoundé", "Centre", "CM"),
        Place("Mokolo", "Yaoundé", "Centre", "CM"),
        Place("Biyem-Assi", "Yaoundé", "Centre", "CM"),
        Place("Emana", "Yaoundé", "Centre", "CM"),
        Place("Bafoussam Ier", "Bafoussam", "Ouest", "CM"),
        Place("Garoua Ier", "Garoua", "Nord", "CM"),
        Place("Ngaoundéré Ier", "Ngaoundéré", "Adamaoua", "CM"),
        Place("Akébé", "Libreville", "Estuaire", "GA"),
        Place("Nzeng-Ayong", "Libreville", "Estuaire", "GA"),
        Place("Louis", "Libreville", "Estuaire", "GA"),
        Place("Port-Gentil", "Port-Gentil", "Ogooué-Maritime", "GA"),
        Place("Franceville", "Franceville", "Haut-Ogooué", "GA"),
        Place("Poto-Poto", "Brazzaville", "Brazzaville", "CG"),
        Place("Bacongo", "Brazzaville", "Brazzaville", "CG"),
        Place("Moungali", "Brazzaville", "Brazzaville", "CG"),
        Place("Talangaï", "Brazzaville", "Brazzaville", "CG"),
        Place("Makélékélé", "Brazzaville", "Brazzaville", "CG"),
        Place("Lumumba", "Pointe-Noire", "Pointe-Noire", "CG"),
        Place("Tié-Tié", "Pointe-Noire", "Pointe-Noire", "CG"),
        Place("Loandjili", "Pointe-Noire", "Pointe-Noire", "CG"),
        Place("Dolisie", "Dolisie", "Niari", "CG"),
        Place("Chagoua", "N'Djamena", "N'Djamena", "TD"),
        Place("Moursal", "N'Djamena", "N'Djamena", "TD"),
        Place("Farcha", "N'Djamena", "N'Djamena", "TD"),
        Place("Moundou", "Moundou", "Logone Occidental", "TD"),
        Place("Lakouanga", "Bangui", "Bangui", "CF"),
        Place("Boy-Rabe", "Bangui", "Bangui", "CF"),
        Place("Berbérati", "Berbérati", "Mambéré-Kadéï", "CF"),
    ),
}

# Birth places reach beyond the branch towns: members moved in from the interior.
BIRTH_PLACES: dict[str, tuple[str, ...]] = {
    "bcc": (
        "Kinshasa", "Kananga", "Mbuji-Mayi", "Lubumbashi", "Kisangani", "Bukavu", "Goma",
        "Matadi", "Kikwit", "Bandundu", "Tshikapa", "Mbandaka", "Kindu", "Likasi", "Kolwezi",
        "Boma", "Mweka", "Luiza", "Kabinda", "Gemena", "Uvira", "Butembo", "Isiro", "Idiofa",
    ),
    "bceao": (
        "Dakar", "Thiès", "Kaolack", "Ziguinchor", "Saint-Louis", "Touba", "Bamako", "Ségou",
        "Mopti", "Sikasso", "Kayes", "Ouagadougou", "Bobo-Dioulasso", "Koudougou",
        "Ouahigouya", "Abidjan", "Bouaké", "Korhogo", "Daloa", "Man", "Lomé", "Kara",
        "Sokodé", "Cotonou", "Porto-Novo", "Parakou", "Abomey", "Niamey", "Maradi", "Zinder",
    ),
    "cobac": (
        "Douala", "Yaoundé", "Bafoussam", "Dschang", "Garoua", "Maroua", "Ngaoundéré",
        "Bertoua", "Ebolowa", "Kribi", "Libreville", "Port-Gentil", "Franceville", "Oyem",
        "Lambaréné", "Brazzaville", "Pointe-Noire", "Dolisie", "Nkayi", "Owando",
        "N'Djamena", "Moundou", "Sarh", "Abéché", "Bangui", "Berbérati", "Bambari",
    ),
}

# Keyed by country: a Douala member does not live on a Brazzaville street.
STREETS: dict[str, tuple[str, ...]] = {
    "CD": (
        "avenue Kasa-Vubu", "avenue Lumumba", "avenue de la Libération", "avenue Bokasa",
        "avenue Kabambare", "avenue des Huileries", "avenue Lukusa", "avenue du Marché",
        "avenue Kianza", "avenue de l'Université", "avenue Tshatshi", "avenue Elila",
        "avenue Kimwenza", "avenue Kato", "avenue de la Mission", "avenue du 30 Juin",
    ),
    "SN": ("rue 10 x 15", "rue 22 x Blaise Diagne", "avenue Cheikh Anta Diop",
           "avenue Lamine Guèye", "rue du Marché", "boulevard du Centenaire"),
    "ML": ("rue 345", "avenue Kwamé Nkrumah", "boulevard de l'Indépendance",
           "route de Koulikoro", "rue 410", "avenue de l'OUA"),
    "BF": ("avenue Kwamé Nkrumah", "rue 13.45", "avenue de la Nation",
           "boulevard Charles de Gaulle", "rue 9.32", "avenue de l'Indépendance"),
    "CI": ("boulevard Nangui Abrogoua", "rue des Jardins", "boulevard de Marseille",
           "route d'Anyama", "rue 12", "boulevard Latrille"),
    "TG": ("boulevard du 13 Janvier", "avenue de la Libération", "rue du Commerce",
           "boulevard de la Kara", "rue de l'Entente"),
    "BJ": ("avenue Steinmetz", "boulevard Saint-Michel", "rue des Cheminots",
           "route des Pêches", "rue du Renouveau"),
    "NE": ("boulevard de la Liberté", "rue du Grand Marché", "route de Tillabéri",
           "avenue de l'Amitié", "rue de la Radio"),
    "CM": ("rue Joss", "rue Manga Bell", "boulevard de la Liberté", "carrefour Mvog-Ada",
           "rue de l'Hôpital", "avenue Kennedy", "rue Njo-Njo"),
    "GA": ("boulevard Triomphal", "rue Pierre Barro", "boulevard de l'Indépendance",
           "carrefour Rio", "rue des Ananas"),
    "CG": ("avenue de la Paix", "rue Mbaka", "avenue Charles de Gaulle", "rue Bouenza",
           "avenue Matsoua"),
    "TD": ("avenue Charles de Gaulle", "avenue Mobutu", "rue de 40 mètres",
           "avenue Félix Éboué"),
    "CF": ("avenue Boganda", "avenue des Martyrs", "rue de l'Industrie", "avenue de France"),
}

MARKETS: dict[str, tuple[str, ...]] = {
    "bcc": (
        "marché Gambela", "marché de la Liberté", "Grand marché (Zando)", "marché Matete",
        "marché de Kintambo", "marché Mzee Laurent-Désiré Kabila", "marché de Virunga",
        "marché Kalukuluku",
    ),
    "bceao": (
        "marché Sandaga", "marché HLM", "marché de Tilène", "Grand marché de Bamako",
        "marché Rood Woko", "marché d'Adjamé", "marché Dantokpa", "marché d'Assigamé",
        "marché de Katako",
    ),
    "cobac": (
        "marché Mokolo", "marché Mboppi", "marché Sandaga de Douala", "marché Mfoundi",
        "marché Mont-Bouët", "marché Total", "marché Tié-Tié", "marché à mil",
        "marché Kilomètre 5",
    ),
}

# --- trades ------------------------------------------------------------------------------

PROFESSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "common": {
        "H": (
            "commerçant au marché", "mécanicien", "agriculteur", "éleveur", "menuisier",
            "conducteur de taxi-moto", "enseignant", "pêcheur", "maçon", "soudeur",
            "tailleur", "boulanger", "électricien", "chauffeur", "cordonnier",
            "réparateur de téléphones", "maraîcher", "boucher", "vendeur de pièces détachées",
            "coiffeur", "infirmier", "quincaillier",
        ),
        "F": (
            "commerçante au marché", "couturière", "vendeuse de pagnes", "coiffeuse",
            "restauratrice", "agricultrice", "maraîchère", "enseignante", "mareyeuse",
            "vendeuse de beignets", "éleveuse de volaille", "vendeuse de légumes",
            "tenancière de cantine", "transformatrice de manioc", "vendeuse de vivres frais",
            "savonnière", "infirmière", "vendeuse de produits cosmétiques",
            "gérante de boutique", "teinturière",
        ),
    },
    "bcc": {
        "H": ("cambiste", "chauffeur de taxi-bus", "creuseur artisanal", "vendeur de carburant"),
        "F": ("vendeuse de chikwangue", "vendeuse de makayabu", "vendeuse de fufu",
              "vendeuse de pondu"),
    },
    "bceao": {
        "H": ("vendeur de bazin", "transporteur", "tisserand", "orpailleur"),
        "F": ("vendeuse d'attiéké", "transformatrice de karité", "vendeuse de poisson fumé",
              "revendeuse de gari", "dolotière"),
    },
    "cobac": {
        "H": ("call-boxeur", "moto-taximan (benskin)", "vendeur de bois", "planteur de cacao"),
        "F": ("bayam-sellam", "vendeuse de bâtons de manioc", "vendeuse de beignets-haricots",
              "vendeuse de poisson braisé"),
    },
}

CIVIL_STATUSES: dict[str, tuple[str, ...]] = {
    "H": ("Célibataire", "Marié", "Marié", "Marié", "Veuf", "Divorcé"),
    "F": ("Célibataire", "Mariée", "Mariée", "Mariée", "Veuve", "Divorcée"),
}

# --- institutions, branches, groups -------------------------------------------------------

INSTITUTION_NAMES: dict[str, tuple[str, ...]] = {
    "bcc": (
        "COOPEC Tujenge", "COOPEC Umoja", "COOPEC Bomoko", "COOPEC Imani", "COOPEC Tumaini",
        "COOPEC Nyota", "COOPEC Lisanga", "COOPEC Elikia", "COOPEC Mwangaza",
        "COOPEC Kasaï Solidarité", "IMF Boboto Finance", "COOPEC Matonge",
    ),
    "bceao": (
        "Mutuelle Jigiya", "Caisse Benkadi", "Mutuelle Teranga", "Caisse Yiriwa",
        "Mutuelle Wend-Panga", "Caisse Songtaaba", "Mutuelle Akwaba", "COOPEC Sika",
        "Caisse Dounia", "Mutuelle Nafa", "Mutuelle Ndimbal", "Caisse Dèmè So",
    ),
    "cobac": (
        "CAMEC Douala", "CAMEC Yaoundé", "Mutuelle Nkabom", "Coopérative Ndolo", "Caisse Mbolo",
        "Mutuelle Likelemba", "Caisse Sawa", "Mutuelle Kounabéli", "Coopérative Ensemble",
        "Caisse Bonanjo", "Mutuelle Akiba", "EMF Mboa Finance",
    ),
}

BRANCH_TEMPLATES = ("Agence {commune}", "Guichet {commune}", "Agence {city} — {commune}")

# Words meaning unity, strength or hope in the zone's languages, for group names.
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "bcc": ("Bomoko", "Lisanga", "Boboto", "Tujenge", "Umoja", "Elikia", "Kimia", "Bolingo",
            "Tumaini", "Mosala"),
    "bceao": ("Jigiya", "Benkadi", "Teranga", "Yiriwa", "Wend-Panga", "Songtaaba", "Akwaba",
              "Nafa", "Sinignesigi", "Kawral"),
    "cobac": ("Nkabom", "Ndolo", "Mbolo", "Likelemba", "Sawa", "Akiba", "Mboa", "Essingan",
              "Njangi", "Ensemble"),
}

GROUP_TEMPLATES: tuple[str, ...] = (
    "Groupe solidaire {word}",
    "Association des femmes maraîchères {de_commune}",
    "Tontine {word} {de_commune}",
    "Mutuelle des commerçants du {market}",
    "Association des vendeuses du {market}",
    "Groupement des éleveurs {de_commune}",
    "Coopérative agricole {word}",
    "Association des conducteurs de taxi-moto {de_city}",
    "ONG {word} Développement",
    "Groupe d'entraide {word}",
)

# --- phones and identity documents ---------------------------------------------------------

# country -> (international prefix, mobile operator prefixes, subscriber-number
# mask with X for a digit), following each national numbering plan.
PHONE_PLANS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "CD": ("+243", ("81", "82", "83", "84", "85", "89", "90", "97", "98", "99"), "XXX XXXX"),
    "SN": ("+221", ("70", "75", "76", "77", "78"), "XXX XX XX"),
    "ML": ("+223", ("65", "66", "70", "76", "78", "79", "90", "91"), "XX XX XX"),
    "BF": ("+226", ("60", "64", "65", "70", "71", "72", "76", "77", "78"), "XX XX XX"),
    "CI": ("+225", ("01", "05", "07"), "XX XX XX XX"),
    "TG": ("+228", ("70", "90", "91", "92", "93", "96", "97", "98", "99"), "XX XX XX"),
    "BJ": ("+229", ("01 90", "01 91", "01 96", "01 97", "01 61", "01 66", "01 67"), "XX XX XX"),
    "NE": ("+227", ("88", "89", "90", "91", "92", "93", "96", "97", "98", "99"), "XX XX XX"),
    "CM": ("+237", ("650", "651", "655", "670", "677", "678", "679", "690", "691", "699"),
           "XX XX XX"),
    "GA": ("+241", ("062", "066", "074", "077"), "XX XX XX"),
    "CG": ("+242", ("04", "05", "06"), "XXX XXXX"),
    "TD": ("+235", ("63", "65", "66", "90", "95", "99"), "XX XX XX"),
    "CF": ("+236", ("70", "72", "75", "77"), "XX XX XX"),
}

# zone -> (document type, number mask with # = digit and A = capital letter, weight).
ID_DOCUMENTS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "bcc": (
        ("Carte d'électeur", "##########", 70),
        ("Passeport", "OP#######", 10),
        ("Permis de conduire", "CD-######", 8),
        ("Attestation d'identité", "AI-#####/##", 7),
        ("Carte de réfugié", "REF-######", 5),
    ),
    "bceao": (
        ("Carte nationale d'identité (CEDEAO)", "#############", 70),
        ("Passeport", "AA#######", 10),
        ("Carte consulaire", "CC-######", 8),
        ("Permis de conduire", "######-#", 7),
        ("Attestation d'identité", "AI-########", 5),
    ),
    "cobac": (
        ("Carte nationale d'identité", "#########", 65),
        ("Récépissé de carte d'identité", "R-##########", 12),
        ("Passeport CEMAC", "AA#######", 10),
        ("Carte consulaire", "CC-######", 8),
        ("Permis de conduire", "PC-######", 5),
    ),
}

# Births of adult members; the range is fixed (not "today minus N years") so a
# seed gives the same people whatever the day the demo is built.
BIRTH_YEARS = (1958, 2005)
ID_ISSUED_UNTIL = date(2025, 12, 31)


def _check_zone(zone: str) -> None:
    if zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}; valid zones: {', '.join(ZONES)}")


def _fill(rng: random.Random, mask: str) -> str:
    out = []
    for ch in mask:
        if ch in "X#":
            out.append(str(rng.randrange(10)))
        elif ch == "A":
            out.append(chr(ord("A") + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


def random_phone(rng: random.Random, country: str) -> str:
    """A mobile number in the country's international format, e.g. "+243 81 234 5678"."""
    try:
        code, prefixes, mask = PHONE_PLANS[country]
    except KeyError:
        raise ValueError(
            f"no phone plan for {country!r}; known: {', '.join(sorted(PHONE_PLANS))}"
        ) from None
    return f"{code} {rng.choice(prefixes)} {_fill(rng, mask)}"


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def random_person(rng: random.Random, zone: str) -> dict[str, Any]:
    """A natural person as on a "fiche d'adhésion", drawn from `rng`.

    Keys match the member record: surname, postname ("" outside DR Congo),
    first_name, sex ("H"/"F"), birth_date, birth_place, civil_status,
    profession, address, commune, city, province, country, phone, id_type,
    id_number, id_issued_at, id_issued_on. Same rng state, same person.
    """
    _check_zone(zone)
    sex = "F" if rng.random() < 0.6 else "H"  # MFI members are mostly women
    first_names = FEMALE_FIRST_NAMES[zone] if sex == "F" else MALE_FIRST_NAMES[zone]
    first_name = rng.choice(first_names)
    surname = rng.choice(SURNAMES[zone])
    postname = ""
    if zone in POSTNAMES:
        # Draw from a copy without the surname: "Mukendi Mukendi" does not occur.
        postname = rng.choice([n for n in POSTNAMES[zone] if n != surname])

    birth_date = _random_date(rng, date(BIRTH_YEARS[0], 1, 1), date(BIRTH_YEARS[1], 12, 31))
    place = rng.choice(PLACES[zone])
    # Two members in three were born in the town they live in.
    birth_place = place.city if rng.random() < 0.66 else rng.choice(BIRTH_PLACES[zone])
    trades = PROFESSIONS["common"][sex] + PROFESSIONS[zone][sex]
    profession = rng.choice(trades)
    civil_status = rng.choice(CIVIL_STATUSES[sex])

    number = rng.randint(1, 250)
    street = rng.choice(STREETS[place.country])
    address = f"n° {number}, {street}" if zone == "bcc" else f"{street}, n° {number}"

    documents = ID_DOCUMENTS[zone]
    id_type, mask, _ = rng.choices(documents, weights=[d[2] for d in documents])[0]
    id_number = _fill(rng, mask)
    adult = date(birth_date.year + 18, birth_date.month, min(birth_date.day, 28))
    id_issued_on = _random_date(rng, max(adult, date(2005, 1, 1)), ID_ISSUED_UNTIL)

    return {
        "surname": surname,
        "postname": postname,
        "first_name": first_name,
        "sex": sex,
        "birth_date": birth_date,
        "birth_place": birth_place,
        "civil_status": civil_status,
        "profession": profession,
        "address": address,
        "commune": place.commune,
        "city": place.city,
        "province": place.province,
        "country": place.country,
        "phone": random_phone(rng, place.country),
        "id_type": id_type,
        "id_number": id_number,
        "id_issued_at": place.city,
        "id_issued_on": id_issued_on,
    }


def _de(name: str) -> str:
    """French "de" before a place name, elided before a vowel: "d'Akwa", "de Kalamu"."""
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêàâîô" else f"de {name}"


def random_institution_name(rng: random.Random, zone: str) -> str:
    _check_zone(zone)
    return rng.choice(INSTITUTION_NAMES[zone])


def random_branch_name(rng: random.Random, place: Place) -> str:
    return rng.choice(BRANCH_TEMPLATES).format(commune=place.commune, city=place.city)


def random_group_name(rng: random.Random, zone: str) -> str:
    """A legal person's name: solidarity group, association, tontine, ..."""
    _check_zone(zone)
    place = rng.choice(PLACES[zone])
    return rng.choice(GROUP_TEMPLATES).format(
        word=rng.choice(GROUP_WORDS[zone]),
        de_commune=_de(place.commune),
        de_city=_de(place.city),
        market=rng.choice(MARKETS[zone]),
    )
