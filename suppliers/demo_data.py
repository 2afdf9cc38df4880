"""Deterministic, plausible demo suppliers for the directory (pure standard library, no Django).

``generate_suppliers(count, seed=..., status=...)`` yields dicts whose keys are the columns of the
supplier CSV import format (see ``suppliers/importing.py``) plus ``offerings``, a list of
``{"title", "description", "category"}`` dicts. The same ``(count, seed)`` always gives the same rows,
and row *i* does not depend on ``count`` (a shorter run is a prefix of a longer one).

Everything is fictional: NEQs come from a bijective scramble of the row index, phone numbers use the
555-01xx block, addresses are invented. Towns, postal-code areas (FSA), area codes and the region
adjacency map are real.

The generator is built for volume (``generate_suppliers(1_000_000)`` for benchmarks): all templates are
precomputed at import time, rows only pick and format. Memory stays bounded: names are de-duplicated
against the first ``NAME_MEMORY`` rows; past that, every name carries its row number, which keeps all
names unique without remembering them.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from collections.abc import Iterator, Sequence
from itertools import accumulate

__all__ = [
    "ADJACENT_REGIONS",
    "FIELDS",
    "NAME_MEMORY",
    "REGION_CODES",
    "REGION_WEIGHTS",
    "SECTOR_WEIGHTS",
    "generate_suppliers",
    "load_categories",
]

# Keys of each generated dict, in CSV column order (``offerings`` last, it is not a CSV column).
FIELDS = (
    "neq",
    "name",
    "legal_form",
    "coop_type",
    "accreditations",
    "description_fr",
    "description_en",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "postal_code",
    "head_office_region",
    "regions_served",
    "categories",
    "status",
    "offerings",
)

# Rows whose names are remembered for de-duplication; later rows get a numeric suffix instead.
NAME_MEMORY = 100_000

# --------------------------------------------------------------------------------------------------
# Reference taxonomy (copy of fixtures/categories.csv, so that this module reads no file at run time)
# --------------------------------------------------------------------------------------------------

_SECTORS = (
    ("alimentation", "Alimentation et restauration", "Food and catering"),
    ("entretien", "Entretien et services immobiliers", "Cleaning and facility services"),
    ("recuperation", "Récupération, recyclage et environnement", "Recovery, recycling and environment"),
    ("fabrication", "Fabrication et sous-traitance", "Manufacturing and subcontracting"),
    ("impression", "Impression, communication et bureau", "Printing, communications and office"),
    ("informatique", "Technologies de l'information", "Information technology"),
    ("transport", "Transport, déménagement et logistique", "Transport, moving and logistics"),
    ("sante", "Santé, soins et services à la personne", "Health, care and personal services"),
    ("education", "Éducation, petite enfance et formation", "Education, early childhood and training"),
    ("culture", "Culture, événements et tourisme", "Culture, events and tourism"),
    ("habitation", "Habitation et construction", "Housing and construction"),
    ("services", "Services professionnels et administratifs", "Professional and administrative services"),
    ("ressources", "Agriculture, forêt et énergie", "Agriculture, forestry and energy"),
)

# (sector_code, code, name_fr, name_en, unspsc_segment), in the order of categories.csv.
_CATEGORY_ROWS = (
    ("alimentation", "alimentation.traiteur", "Service de traiteur", "Catering", "90"),
    ("alimentation", "alimentation.cafeteria", "Gestion de cafétéria", "Cafeteria management", "90"),
    (
        "alimentation",
        "alimentation.repas",
        "Repas préparés et livraison de repas",
        "Prepared meals and meal delivery",
        "50",
    ),
    (
        "alimentation",
        "alimentation.epicerie",
        "Produits alimentaires et épicerie",
        "Food products and groceries",
        "50",
    ),
    ("alimentation", "alimentation.local", "Produits agricoles locaux", "Local farm produce", "50"),
    ("entretien", "entretien.menager", "Entretien ménager", "Janitorial and cleaning", "76"),
    (
        "entretien",
        "entretien.paysager",
        "Aménagement et entretien paysager",
        "Landscaping and grounds maintenance",
        "70",
    ),
    ("entretien", "entretien.deneigement", "Déneigement", "Snow removal", "72"),
    ("entretien", "entretien.travaux", "Rénovation et menus travaux", "Renovation and minor works", "72"),
    (
        "entretien",
        "entretien.buanderie",
        "Buanderie et entretien du linge",
        "Laundry and linen services",
        "91",
    ),
    (
        "recuperation",
        "recuperation.collecte",
        "Collecte et tri des matières recyclables",
        "Collection and sorting of recyclables",
        "76",
    ),
    (
        "recuperation",
        "recuperation.electronique",
        "Récupération de matériel informatique et électronique",
        "IT and electronics recovery",
        "76",
    ),
    (
        "recuperation",
        "recuperation.compost",
        "Compostage et matières organiques",
        "Composting and organic waste",
        "76",
    ),
    (
        "recuperation",
        "recuperation.textile",
        "Récupération textile et friperie",
        "Textile recovery and second-hand clothing",
        "53",
    ),
    (
        "recuperation",
        "recuperation.reemploi",
        "Mobilier et matériaux de réemploi",
        "Reused furniture and materials",
        "56",
    ),
    (
        "recuperation",
        "recuperation.conseil",
        "Services-conseils en environnement",
        "Environmental consulting and awareness",
        "77",
    ),
    (
        "fabrication",
        "fabrication.mobilier",
        "Fabrication de mobilier et ébénisterie",
        "Furniture and woodwork",
        "56",
    ),
    ("fabrication", "fabrication.couture", "Couture et confection", "Sewing and garment making", "53"),
    ("fabrication", "fabrication.metal", "Usinage et métallurgie", "Machining and metal work", "31"),
    (
        "fabrication",
        "fabrication.assemblage",
        "Assemblage et emballage à forfait",
        "Contract assembly and packaging",
        "73",
    ),
    ("fabrication", "fabrication.signalisation", "Signalisation et enseignes", "Signage", "55"),
    ("impression", "impression.imprimerie", "Imprimerie", "Commercial printing", "82"),
    ("impression", "impression.graphisme", "Graphisme et design", "Graphic design", "82"),
    (
        "impression",
        "impression.numerisation",
        "Numérisation et gestion documentaire",
        "Scanning and document management",
        "80",
    ),
    ("impression", "impression.traduction", "Traduction et rédaction", "Translation and writing", "82"),
    ("impression", "impression.fournitures", "Fournitures de bureau", "Office supplies", "44"),
    ("impression", "impression.audiovisuel", "Production audiovisuelle", "Audiovisual production", "82"),
    (
        "informatique",
        "informatique.reconditionnement",
        "Ordinateurs reconditionnés",
        "Refurbished computers",
        "43",
    ),
    ("informatique", "informatique.soutien", "Soutien informatique", "IT support", "81"),
    (
        "informatique",
        "informatique.developpement",
        "Développement web et logiciel",
        "Web and software development",
        "81",
    ),
    ("informatique", "informatique.formation", "Formation numérique", "Digital skills training", "86"),
    ("transport", "transport.demenagement", "Déménagement", "Moving services", "78"),
    ("transport", "transport.livraison", "Livraison et messagerie", "Delivery and courier", "78"),
    ("transport", "transport.entreposage", "Entreposage et logistique", "Warehousing and logistics", "78"),
    (
        "transport",
        "transport.personnes",
        "Transport adapté et collectif",
        "Accessible and community transport",
        "78",
    ),
    ("sante", "sante.aide-domicile", "Aide à domicile", "Home support services", "85"),
    ("sante", "sante.assistance", "Assistance personnelle et soins", "Personal assistance and care", "85"),
    ("sante", "sante.repit", "Répit et accompagnement", "Respite and support", "85"),
    ("sante", "sante.menage-domicile", "Entretien ménager résidentiel", "Residential housekeeping", "91"),
    ("education", "education.garde", "Services de garde éducatifs", "Educational childcare", ""),
    (
        "education",
        "education.formation",
        "Formation professionnelle et insertion",
        "Vocational training and work integration",
        "86",
    ),
    ("education", "education.animation", "Animation et loisirs", "Recreation and activities", ""),
    ("education", "education.camps", "Camps de jour", "Day camps", ""),
    ("culture", "culture.evenements", "Organisation d'événements", "Event organisation", "80"),
    ("culture", "culture.salles", "Location de salles", "Venue rental", ""),
    (
        "culture",
        "culture.arts",
        "Arts de la scène et médiation culturelle",
        "Performing arts and cultural mediation",
        "",
    ),
    ("culture", "culture.hebergement", "Hébergement et tourisme", "Lodging and tourism", "90"),
    ("habitation", "habitation.logement", "Logement communautaire", "Community housing", ""),
    (
        "habitation",
        "habitation.construction",
        "Construction et rénovation écoénergétique",
        "Construction and energy-efficient renovation",
        "72",
    ),
    (
        "habitation",
        "habitation.materiaux",
        "Matériaux de construction récupérés",
        "Salvaged building materials",
        "30",
    ),
    (
        "services",
        "services.comptabilite",
        "Tenue de livres et comptabilité",
        "Bookkeeping and accounting",
        "84",
    ),
    ("services", "services.appels", "Centre d'appels et réception", "Call centre and reception", "80"),
    (
        "services",
        "services.conseil",
        "Services-conseils aux organisations",
        "Organisational consulting",
        "80",
    ),
    ("services", "services.recherche", "Recherche et évaluation", "Research and evaluation", ""),
    ("ressources", "ressources.sylviculture", "Travaux sylvicoles", "Forestry work", "70"),
    ("ressources", "ressources.agricole", "Services agricoles", "Agricultural services", "70"),
    ("ressources", "ressources.energie", "Énergie renouvelable", "Renewable energy", ""),
)


def load_categories() -> list[dict]:
    """The 57 categories, as dicts with the columns of categories.csv (embedded copy, no file read)."""
    sector_names = {code: (fr, en) for code, fr, en in _SECTORS}
    return [
        {
            "sector_code": sector,
            "sector_fr": sector_names[sector][0],
            "sector_en": sector_names[sector][1],
            "code": code,
            "name_fr": name_fr,
            "name_en": name_en,
            "unspsc_segment": unspsc,
        }
        for sector, code, name_fr, name_en, unspsc in _CATEGORY_ROWS
    ]


# Relative size of each sector in the generated population (cleaning, food and recovery dominate).
SECTOR_WEIGHTS: dict[str, float] = {
    "alimentation": 14.0,
    "entretien": 14.0,
    "recuperation": 12.0,
    "fabrication": 7.0,
    "impression": 6.0,
    "informatique": 5.0,
    "transport": 5.0,
    "sante": 7.0,
    "education": 6.0,
    "culture": 5.0,
    "habitation": 4.0,
    "services": 4.0,
    "ressources": 3.0,
}

# --------------------------------------------------------------------------------------------------
# What each category sells: weight in its sector, trade word for names, French and English activity
# phrases for descriptions (each with its article), and a pool of offerings (title, one sentence).
# --------------------------------------------------------------------------------------------------

_CAT_CONTENT: dict[str, tuple[float, str, str, str, tuple[tuple[str, str], ...]]] = {
    "alimentation.traiteur": (
        4,
        "Traiteur",
        "un service de traiteur pour les réunions, les colloques et les événements (buffets froids, "
        "boîtes à lunch et repas chauds)",
        "catering for meetings, conferences and events (cold buffets, boxed lunches and hot meals)",
        (
            (
                "Buffet froid pour réunions",
                "Buffet froid de sandwichs, salades et desserts maison pour réunions de 20 à 300 personnes.",
            ),
            (
                "Boîtes à lunch livrées",
                "Boîtes à lunch individuelles livrées le matin même, avec options végétariennes et sans "
                "allergènes.",
            ),
            (
                "Service de traiteur pour colloques",
                "Service de traiteur complet pour colloques et formations, du café d'accueil au repas chaud "
                "du midi.",
            ),
            (
                "Cocktail dînatoire",
                "Bouchées chaudes et froides préparées avec des produits régionaux pour lancements et "
                "cocktails.",
            ),
        ),
    ),
    "alimentation.cafeteria": (
        3,
        "Café",
        "la gestion de cafétérias dans les écoles, les cégeps et les édifices gouvernementaux",
        "cafeteria management in schools, CEGEPs and government buildings",
        (
            (
                "Gestion de cafétéria scolaire",
                "Exploitation complète d'une cafétéria scolaire avec des menus équilibrés conformes à la "
                "politique "
                "alimentaire.",
            ),
            (
                "Cafétéria en milieu de travail",
                "Cafétéria et comptoir santé pour édifices à bureaux, ouverts du déjeuner au dîner.",
            ),
            (
                "Comptoirs et distributrices santé",
                "Approvisionnement de comptoirs et de machines distributrices en collations santé préparées "
                "sur place.",
            ),
        ),
    ),
    "alimentation.repas": (
        3,
        "Cuisine",
        "la préparation et la livraison de repas pour les services de garde, les résidences et les "
        "organismes "
        "communautaires",
        "meal preparation and delivery for childcare services, residences and community organisations",
        (
            (
                "Repas préparés livrés",
                "Repas chauds ou surgelés livrés chaque jour aux services de garde et aux résidences.",
            ),
            (
                "Popote roulante",
                "Livraison de repas à domicile pour les aînés et les personnes en perte d'autonomie.",
            ),
            (
                "Repas surgelés en portions individuelles",
                "Repas complets surgelés en portions individuelles, étiquetés avec leur valeur nutritive.",
            ),
            (
                "Dîners scolaires",
                "Dîners chauds livrés aux écoles primaires, avec un menu cyclique de quatre semaines.",
            ),
        ),
    ),
    "alimentation.epicerie": (
        2,
        "Épicerie",
        "la vente de produits alimentaires et d'épicerie en vrac, dont des produits régionaux",
        "groceries and bulk food products, including regional products",
        (
            (
                "Paniers d'épicerie",
                "Paniers de produits d'épicerie de base pour organismes communautaires et banques "
                "alimentaires.",
            ),
            (
                "Produits en vrac",
                "Légumineuses, céréales et farines en vrac livrées en format institutionnel.",
            ),
            (
                "Conserves et confitures maison",
                "Conserves, confitures et sauces préparées dans notre cuisine avec des surplus de fruits et "
                "légumes.",
            ),
        ),
    ),
    "alimentation.local": (
        2,
        "Marché",
        "la mise en marché de produits agricoles locaux (fruits, légumes, viandes et produits de l'érable)",
        "local farm produce (fruit, vegetables, meat and maple products)",
        (
            (
                "Paniers de légumes biologiques",
                "Paniers hebdomadaires de légumes biologiques cultivés dans la région, de juin à octobre.",
            ),
            (
                "Approvisionnement local pour cuisines institutionnelles",
                "Livraison de fruits et légumes frais de producteurs locaux aux cuisines d'établissements "
                "publics.",
            ),
            (
                "Produits de l'érable",
                "Sirop, beurre et tire d'érable en formats cadeaux corporatifs et institutionnels.",
            ),
        ),
    ),
    "entretien.menager": (
        5,
        "Entretien",
        "l'entretien ménager de bureaux, d'écoles et d'édifices publics",
        "janitorial and cleaning services for offices, schools and public buildings",
        (
            (
                "Entretien ménager de bureaux",
                "Entretien ménager quotidien ou hebdomadaire de bureaux et d'espaces administratifs.",
            ),
            (
                "Grand ménage et décapage de planchers",
                "Décapage, cirage et polissage de planchers, lavage de murs et grand ménage annuel.",
            ),
            (
                "Lavage de vitres",
                "Lavage de vitres intérieures et extérieures d'édifices jusqu'à trois étages.",
            ),
            (
                "Désinfection de locaux",
                "Désinfection de salles de classe, de cliniques et d'aires communes avec des produits "
                "écologiques "
                "certifiés.",
            ),
        ),
    ),
    "entretien.paysager": (
        3,
        "Paysagement",
        "l'aménagement et l'entretien paysager des parcs, des terrains institutionnels et des espaces verts",
        "landscaping and grounds maintenance for parks, institutional grounds and green spaces",
        (
            (
                "Tonte de pelouse et entretien de terrains",
                "Tonte, taille et désherbage de terrains municipaux et institutionnels de mai à octobre.",
            ),
            (
                "Aménagement paysager",
                "Conception et réalisation d'aménagements paysagers, de plantations et de plates-bandes de "
                "vivaces.",
            ),
            (
                "Entretien de parcs et d'espaces verts",
                "Entretien paysager de parcs, ramassage des déchets et nettoyage printanier des terrains.",
            ),
        ),
    ),
    "entretien.deneigement": (
        3,
        "Déneigement",
        "le déneigement des stationnements et des accès d'établissements publics",
        "snow removal for parking lots and entrances of public buildings",
        (
            (
                "Déneigement de stationnements municipaux",
                "Déneigement de stationnements municipaux et institutionnels avec machinerie et équipe de "
                "nuit.",
            ),
            (
                "Déneigement manuel des accès",
                "Pelletage et déglaçage manuel des entrées, des escaliers et des rampes d'accès.",
            ),
            (
                "Épandage d'abrasifs",
                "Épandage de sel et d'abrasifs sur les trottoirs et les stationnements pendant tout l'hiver.",
            ),
        ),
    ),
    "entretien.travaux": (
        2,
        "Rénovation",
        "les menus travaux et la rénovation intérieure (peinture, réparations et entretien préventif)",
        "minor works and interior renovation (painting, repairs and preventive maintenance)",
        (
            (
                "Peinture intérieure",
                "Travaux de peinture intérieure de bureaux, de corridors et de salles de classe.",
            ),
            (
                "Menus travaux d'entretien",
                "Réparations courantes, remplacement de quincaillerie et entretien préventif de bâtiments.",
            ),
            (
                "Montage de mobilier de bureau",
                "Montage, déplacement et installation de mobilier et de cloisons de bureau.",
            ),
        ),
    ),
    "entretien.buanderie": (
        1,
        "Buanderie",
        "un service de buanderie et d'entretien du linge pour les résidences, les cliniques et les hôtels",
        "laundry and linen services for residences, clinics and hotels",
        (
            (
                "Buanderie commerciale",
                "Lavage, séchage et pliage de literie et de serviettes pour résidences et établissements de "
                "santé.",
            ),
            (
                "Entretien de vêtements de travail",
                "Nettoyage et réparation d'uniformes et de vêtements de travail, avec cueillette et "
                "livraison.",
            ),
            (
                "Location de linge de table",
                "Location et entretien de nappes, de serviettes et de linge de table pour événements.",
            ),
        ),
    ),
    "recuperation.collecte": (
        4,
        "Recyclage",
        "la collecte et le tri des matières recyclables ainsi que le recyclage du carton, du papier et des "
        "plastiques",
        "collection, sorting and recycling of cardboard, paper, plastics and other recyclables",
        (
            (
                "Collecte de matières recyclables",
                "Collecte sélective du papier, du carton et des contenants dans les édifices publics et les "
                "écoles.",
            ),
            (
                "Tri et recyclage du carton",
                "Récupération, tri et mise en ballots du carton pour le recyclage.",
            ),
            (
                "Déchiquetage de documents confidentiels",
                "Déchiquetage sécurisé de documents confidentiels avec certificat de destruction et "
                "recyclage du "
                "papier.",
            ),
            (
                "Gestion d'écocentre",
                "Gestion d'écocentres municipaux, accueil des citoyens et tri des matières récupérées.",
            ),
        ),
    ),
    "recuperation.electronique": (
        2,
        "Récupération",
        "la récupération et le recyclage sécuritaire du matériel informatique et électronique",
        "safe collection and recycling of computer and electronic equipment",
        (
            (
                "Récupération de matériel informatique",
                "Cueillette d'ordinateurs, d'écrans et de périphériques désuets avec effacement certifié des "
                "données.",
            ),
            (
                "Recyclage de produits électroniques",
                "Démantèlement et recyclage de produits électroniques par une filière reconnue.",
            ),
            (
                "Collecte de cellulaires et de piles",
                "Boîtes de collecte de cellulaires, de piles et de petits appareils dans les édifices "
                "publics.",
            ),
        ),
    ),
    "recuperation.compost": (
        2,
        "Compost",
        "la collecte des matières organiques et le compostage des résidus alimentaires et verts",
        "collection of organic waste and composting of food and yard waste",
        (
            (
                "Collecte de résidus alimentaires",
                "Collecte hebdomadaire des résidus alimentaires de cafétérias et de cuisines "
                "institutionnelles.",
            ),
            (
                "Compost et terreau",
                "Vente de compost mûr et de terreau en vrac ou en sacs pour les aménagements municipaux.",
            ),
            (
                "Composteurs communautaires",
                "Installation et suivi de composteurs communautaires dans les écoles et les parcs.",
            ),
        ),
    ),
    "recuperation.textile": (
        2,
        "Friperie",
        "la récupération textile, la vente de vêtements usagés en friperie et la revalorisation des tissus",
        "textile recovery, second-hand clothing sales and fabric upcycling",
        (
            (
                "Récupération de vêtements et de textiles",
                "Boîtes de dons et collecte de vêtements, de literie et de textiles usagés.",
            ),
            ("Friperie", "Vente de vêtements usagés triés et de qualité à prix abordable."),
            (
                "Revalorisation d'uniformes",
                "Transformation d'uniformes et de bannières retirés en sacs et en accessoires.",
            ),
        ),
    ),
    "recuperation.reemploi": (
        2,
        "Ressourcerie",
        "la récupération et la revente de mobilier et de matériaux de réemploi",
        "collection and resale of reused furniture and materials",
        (
            (
                "Mobilier de bureau de réemploi",
                "Vente de bureaux, de chaises et de classeurs récupérés, nettoyés et remis en état.",
            ),
            (
                "Récupération de mobilier",
                "Cueillette de mobilier et d'objets usagés lors de déménagements ou de rénovations de "
                "bureaux.",
            ),
            (
                "Magasin de seconde main",
                "Magasin de meubles, d'électroménagers et d'articles de maison de seconde main.",
            ),
        ),
    ),
    "recuperation.conseil": (
        1,
        "Éco-conseil",
        "des services-conseils en environnement, en gestion des matières résiduelles et en sensibilisation "
        "au "
        "recyclage",
        "environmental consulting, waste-management planning and recycling awareness",
        (
            (
                "Caractérisation des matières résiduelles",
                "Caractérisation des déchets et plan de réduction pour édifices publics et événements.",
            ),
            (
                "Sensibilisation au recyclage",
                "Ateliers de sensibilisation au tri, au recyclage et au compostage dans les écoles et les "
                "milieux de "
                "travail.",
            ),
            (
                "Événements écoresponsables",
                "Accompagnement d'événements zéro déchet : tri sur place, vaisselle réutilisable et bilan.",
            ),
        ),
    ),
    "fabrication.mobilier": (
        2,
        "Ébénisterie",
        "la fabrication de mobilier et l'ébénisterie sur mesure, notamment pour les écoles et les bureaux",
        "custom furniture making and woodwork, notably for schools and offices",
        (
            (
                "Mobilier en bois sur mesure",
                "Fabrication de tables, de bancs et de rangements en bois massif selon vos plans.",
            ),
            ("Mobilier urbain", "Bancs de parc, tables à pique-nique et bacs à fleurs en bois traité."),
            (
                "Réparation de mobilier scolaire",
                "Réparation et remise en état de pupitres, de chaises et de tables scolaires.",
            ),
        ),
    ),
    "fabrication.couture": (
        2,
        "Atelier de couture",
        "la couture et la confection de vêtements de travail, d'uniformes et d'articles textiles",
        "sewing and garment making (work clothes, uniforms and textile goods)",
        (
            (
                "Confection d'uniformes",
                "Couture et confection d'uniformes et de vêtements de travail en petites et moyennes séries.",
            ),
            (
                "Sacs réutilisables",
                "Confection de sacs réutilisables et de sacs promotionnels en tissu récupéré.",
            ),
            (
                "Retouches et réparations",
                "Retouches, réparations et ajustements de vêtements et d'équipements textiles.",
            ),
            ("Broderie et personnalisation", "Broderie de logos sur vêtements, casquettes et sacs."),
        ),
    ),
    "fabrication.metal": (
        1,
        "Usinage",
        "l'usinage, la soudure et la fabrication de pièces métalliques",
        "machining, welding and metal parts fabrication",
        (
            ("Usinage de pièces", "Usinage de pièces métalliques à l'unité ou en série selon plans."),
            (
                "Soudure et assemblage métallique",
                "Soudure, pliage et assemblage de structures et de supports en acier et en aluminium.",
            ),
            ("Supports à vélos", "Fabrication de supports à vélos et de mobilier urbain en acier galvanisé."),
        ),
    ),
    "fabrication.assemblage": (
        3,
        "Emballage",
        "l'assemblage et l'emballage à forfait, l'ensachage et la préparation de trousses",
        "contract assembly and packaging, bagging and kit preparation",
        (
            (
                "Emballage à forfait",
                "Emballage à forfait, mise en boîte et étiquetage de produits en petites et grandes séries.",
            ),
            (
                "Assemblage de trousses",
                "Assemblage de trousses promotionnelles, de trousses de premiers soins et de documents "
                "d'accueil.",
            ),
            (
                "Ensachage et étiquetage",
                "Ensachage, scellage et étiquetage de produits alimentaires et non alimentaires.",
            ),
            (
                "Mise sous pli et publipostage",
                "Mise sous pli, insertion et préparation d'envois postaux en grande quantité.",
            ),
        ),
    ),
    "fabrication.signalisation": (
        1,
        "Enseignes",
        "la fabrication de panneaux de signalisation, d'enseignes et d'affiches",
        "road signs, signage and displays",
        (
            (
                "Panneaux de signalisation",
                "Fabrication de panneaux de signalisation routière et de sentiers.",
            ),
            (
                "Enseignes et affichage",
                "Enseignes extérieures, plaques d'identification et affichage intérieur de bâtiments.",
            ),
            (
                "Gravure et découpe laser",
                "Gravure et découpe laser de plaques, de trophées et de panneaux d'interprétation.",
            ),
        ),
    ),
    "impression.imprimerie": (
        3,
        "Imprimerie",
        "des travaux d'imprimerie et d'impression numérique ou offset (dépliants, rapports, affiches et "
        "cartes "
        "professionnelles)",
        "commercial printing, digital and offset (brochures, reports, posters and business cards)",
        (
            (
                "Impression numérique grand format",
                "Impression numérique grand format d'affiches, de bannières et de panneaux.",
            ),
            (
                "Impression de rapports et de dépliants",
                "Impression offset et numérique de rapports annuels, de dépliants et de formulaires.",
            ),
            (
                "Cartes professionnelles et papeterie",
                "Impression de cartes professionnelles, de papier à en-tête et d'enveloppes.",
            ),
            ("Reliure et finition", "Reliure, pliage, plastification et finition de documents imprimés."),
        ),
    ),
    "impression.graphisme": (
        2,
        "Studio",
        "le graphisme et le design de documents, de sites et d'identités visuelles",
        "graphic design of documents, websites and visual identities",
        (
            ("Conception graphique", "Conception graphique de dépliants, de rapports et de publicités."),
            (
                "Identité visuelle",
                "Création de logos et de normes graphiques pour organismes et municipalités.",
            ),
            ("Mise en page de rapports", "Mise en page de rapports annuels et de documents accessibles."),
        ),
    ),
    "impression.numerisation": (
        1,
        "Numérisation",
        "la numérisation d'archives et la gestion documentaire",
        "document scanning, archiving and records management",
        (
            (
                "Numérisation de documents",
                "Numérisation de dossiers papier et d'archives avec indexation et contrôle de qualité.",
            ),
            (
                "Gestion documentaire",
                "Classement, déclassement et préparation d'archives selon votre calendrier de conservation.",
            ),
            ("Saisie de données", "Saisie et validation de données à partir de formulaires papier."),
        ),
    ),
    "impression.traduction": (
        1,
        "Traduction",
        "la traduction, la révision et la rédaction de documents",
        "translation, editing and writing",
        (
            (
                "Traduction de l'anglais au français",
                "Traduction de l'anglais au français de documents administratifs et techniques.",
            ),
            ("Révision linguistique", "Révision et correction de rapports, de publications et de sites Web."),
            ("Rédaction en langage clair", "Rédaction et simplification de documents destinés au public."),
        ),
    ),
    "impression.fournitures": (
        1,
        "Papeterie",
        "la vente de fournitures de bureau et d'articles de papeterie",
        "office supplies and stationery",
        (
            (
                "Fournitures de bureau",
                "Papier, crayons, classeurs et fournitures de bureau livrés en 48 heures.",
            ),
            (
                "Cartouches d'encre remanufacturées",
                "Cartouches d'encre et de toner remanufacturées, avec récupération des cartouches vides.",
            ),
            (
                "Trousses de fournitures scolaires",
                "Trousses de fournitures scolaires préparées pour les écoles et les organismes.",
            ),
        ),
    ),
    "impression.audiovisuel": (
        1,
        "Productions",
        "la production audiovisuelle (vidéos corporatives, captation d'événements et balados)",
        "audiovisual production (corporate videos, event recording and podcasts)",
        (
            ("Vidéo corporative", "Tournage et montage de vidéos corporatives et de capsules de formation."),
            (
                "Captation d'événements",
                "Captation vidéo et diffusion en direct de conférences et d'assemblées.",
            ),
            ("Production de balados", "Enregistrement, montage et diffusion de balados."),
        ),
    ),
    "informatique.reconditionnement": (
        3,
        "Informatique",
        "l'informatique reconditionnée (ordinateurs portables et de bureau, écrans et périphériques remis à "
        "neuf et garantis)",
        "refurbished IT equipment (laptops, desktops, monitors and peripherals, restored and under warranty)",
        (
            (
                "Reconditionnement d'ordinateurs portables",
                "Reconditionnement d'ordinateurs portables avec effacement sécurisé des données et garantie "
                "d'un an.",
            ),
            (
                "Ordinateurs de bureau reconditionnés",
                "Ordinateurs de bureau reconditionnés, système d'exploitation installé, en lots pour écoles "
                "et "
                "organismes.",
            ),
            (
                "Écrans et périphériques reconditionnés",
                "Écrans, claviers et imprimantes reconditionnés et testés.",
            ),
        ),
    ),
    "informatique.soutien": (
        2,
        "Services informatiques",
        "le soutien informatique (dépannage, installation de postes et gestion de réseaux)",
        "IT support (troubleshooting, workstation setup and network management)",
        (
            (
                "Soutien technique",
                "Dépannage informatique sur place ou à distance pour petites organisations.",
            ),
            (
                "Installation de postes de travail",
                "Installation et configuration de postes de travail, d'imprimantes et de logiciels.",
            ),
            ("Gestion de parc informatique", "Inventaire, mises à jour et gestion du parc informatique."),
        ),
    ),
    "informatique.developpement": (
        1,
        "Studio Web",
        "le développement de sites Web et de logiciels accessibles",
        "development of accessible websites and software",
        (
            (
                "Site Web accessible",
                "Conception de sites Web conformes au standard d'accessibilité du gouvernement du Québec.",
            ),
            (
                "Développement d'applications",
                "Développement d'applications Web sur mesure et de formulaires en ligne.",
            ),
            (
                "Tests d'accessibilité",
                "Audit et tests d'accessibilité de sites Web, réalisés notamment par des testeurs vivant "
                "avec un "
                "handicap.",
            ),
        ),
    ),
    "informatique.formation": (
        1,
        "Formation",
        "la formation numérique (initiation à l'informatique, bureautique et cybersécurité)",
        "digital skills training (computer basics, office software and cybersecurity)",
        (
            (
                "Formation en bureautique",
                "Formation en traitement de texte, en tableurs et en courriel pour employés et bénévoles.",
            ),
            (
                "Initiation au numérique pour aînés",
                "Ateliers d'initiation à la tablette, à l'ordinateur et aux services en ligne.",
            ),
            (
                "Formation en cybersécurité",
                "Formation de sensibilisation à la cybersécurité pour le personnel de bureau.",
            ),
        ),
    ),
    "transport.demenagement": (
        2,
        "Déménagement",
        "le déménagement de bureaux, d'écoles et de résidences, avec emballage et entreposage temporaire",
        "moving services for offices, schools and homes, including packing and temporary storage",
        (
            (
                "Déménagement de bureaux",
                "Déménagement de bureaux et de services administratifs, avec emballage et remontage du "
                "mobilier.",
            ),
            (
                "Déménagement résidentiel",
                "Déménagement de résidences et de logements pour particuliers et organismes.",
            ),
            (
                "Déplacement de mobilier",
                "Déplacement de mobilier et d'archives à l'intérieur d'un même édifice.",
            ),
        ),
    ),
    "transport.livraison": (
        2,
        "Livraison",
        "la livraison locale et la messagerie, y compris à vélo cargo",
        "local delivery and courier services, including by cargo bike",
        (
            (
                "Messagerie locale",
                "Livraison de plis et de colis le jour même dans la ville et les environs.",
            ),
            ("Livraison à vélo cargo", "Livraison écoresponsable de colis et de repas à vélo cargo."),
            (
                "Navette de courrier interne",
                "Navette quotidienne de courrier interne entre les édifices d'un même organisme.",
            ),
        ),
    ),
    "transport.entreposage": (
        1,
        "Logistique",
        "l'entreposage, la gestion d'inventaire et la distribution de marchandises",
        "warehousing, inventory management and distribution of goods",
        (
            (
                "Entreposage de mobilier et d'archives",
                "Entreposage sécurisé de mobilier, d'équipements et de boîtes d'archives.",
            ),
            ("Préparation de commandes", "Réception, préparation de commandes et expédition de matériel."),
            (
                "Distribution de matériel",
                "Distribution de matériel promotionnel ou scolaire à plusieurs points de service.",
            ),
        ),
    ),
    "transport.personnes": (
        1,
        "Transport",
        "le transport adapté et collectif de personnes",
        "accessible and community transport",
        (
            ("Transport adapté", "Transport adapté pour personnes à mobilité réduite, en minibus équipé."),
            (
                "Transport collectif rural",
                "Service de transport collectif entre les municipalités de la MRC.",
            ),
            (
                "Transport de groupes",
                "Transport de groupes scolaires et communautaires pour les sorties et les activités.",
            ),
        ),
    ),
    "sante.aide-domicile": (
        3,
        "Services à domicile",
        "l'aide à domicile pour les aînés et les personnes en perte d'autonomie (entretien ménager, "
        "préparation "
        "de repas et courses)",
        "home support for seniors and people with reduced autonomy (housekeeping, meal preparation and "
        "errands)",
        (
            (
                "Aide à domicile",
                "Entretien ménager léger, lessive et préparation de repas au domicile des aînés.",
            ),
            ("Accompagnement aux courses", "Accompagnement pour les courses et les rendez-vous médicaux."),
            ("Grand ménage saisonnier", "Grand ménage saisonnier au domicile des personnes âgées."),
        ),
    ),
    "sante.assistance": (
        2,
        "Soutien à domicile",
        "l'assistance personnelle et les soins à domicile, en collaboration avec le réseau de la santé",
        "personal assistance and home care, in partnership with the health network",
        (
            (
                "Assistance personnelle",
                "Aide au lever, à l'hygiène et à l'habillement par des préposés formés.",
            ),
            (
                "Soins d'assistance à domicile",
                "Soins d'assistance à domicile en complément des services du CLSC.",
            ),
            ("Surveillance de nuit", "Présence et surveillance de nuit pour les personnes vulnérables."),
        ),
    ),
    "sante.repit": (
        1,
        "Répit",
        "le répit aux proches aidants et l'accompagnement des personnes vulnérables",
        "respite for caregivers and support for vulnerable people",
        (
            (
                "Répit à domicile",
                "Présence à domicile de quelques heures pour offrir du répit aux proches aidants.",
            ),
            ("Accompagnement-transport", "Accompagnement de personnes vulnérables à leurs rendez-vous."),
            (
                "Séjours de répit",
                "Séjours de répit de fin de semaine pour personnes vivant avec une déficience.",
            ),
        ),
    ),
    "sante.menage-domicile": (
        2,
        "Ménage",
        "l'entretien ménager résidentiel à domicile",
        "residential housekeeping",
        (
            ("Entretien ménager résidentiel", "Entretien ménager régulier de logements et de résidences."),
            (
                "Ménage après travaux",
                "Nettoyage complet de logements après des travaux ou avant une nouvelle occupation.",
            ),
            (
                "Entretien d'aires communes",
                "Entretien ménager des aires communes de logements sociaux et d'OBNL d'habitation.",
            ),
        ),
    ),
    "education.garde": (
        2,
        "CPE",
        "des services de garde éducatifs à l'enfance pour les enfants de 0 à 5 ans",
        "educational childcare for children aged 0 to 5",
        (
            (
                "Service de garde éducatif",
                "Service de garde éducatif à contribution réduite pour les enfants de 0 à 5 ans.",
            ),
            (
                "Halte-garderie",
                "Halte-garderie pour parents aux études, en formation ou en recherche d'emploi.",
            ),
            (
                "Garde pendant les événements",
                "Service de garde temporaire pendant les colloques et les assemblées.",
            ),
        ),
    ),
    "education.formation": (
        2,
        "Centre de formation",
        "la formation professionnelle et des parcours d'insertion en emploi",
        "vocational training and work-integration programs",
        (
            (
                "Formation en entreprise",
                "Formation pratique en entreprise de 26 semaines menant à un emploi.",
            ),
            (
                "Formation en santé et sécurité",
                "Formation en santé et sécurité du travail, SIMDUT et manutention sécuritaire.",
            ),
            (
                "Stages en milieu de travail",
                "Stages encadrés et accompagnement de participants vers l'emploi.",
            ),
        ),
    ),
    "education.animation": (
        1,
        "Loisirs",
        "l'animation et des activités de loisirs pour les jeunes, les familles et les aînés",
        "recreation and activities for youth, families and seniors",
        (
            (
                "Animation d'activités jeunesse",
                "Animation de jeux, d'ateliers et d'activités sportives pour les jeunes.",
            ),
            ("Activités pour aînés", "Activités physiques et sociales adaptées aux aînés en résidence."),
            ("Fêtes de quartier", "Animation et logistique de fêtes de quartier et d'événements familiaux."),
        ),
    ),
    "education.camps": (
        1,
        "Camp",
        "l'organisation de camps de jour et de camps de vacances",
        "day camps and summer camps",
        (
            (
                "Camp de jour municipal",
                "Gestion et animation de camps de jour municipaux pour les 5 à 12 ans.",
            ),
            ("Camp de jour adapté", "Camp de jour adapté aux enfants ayant des besoins particuliers."),
            ("Service de garde estival", "Service de garde prolongé pendant la période estivale."),
        ),
    ),
    "culture.evenements": (
        2,
        "Événements",
        "l'organisation d'événements (colloques, congrès, festivals et lancements)",
        "event organisation (conferences, conventions, festivals and launches)",
        (
            (
                "Organisation de colloques",
                "Organisation complète de colloques et de congrès, de l'inscription à l'accueil.",
            ),
            (
                "Logistique d'événements",
                "Logistique, montage de scène et gestion des bénévoles pour festivals.",
            ),
            (
                "Location d'équipement événementiel",
                "Location de tentes, de tables, de chaises et de sonorisation.",
            ),
        ),
    ),
    "culture.salles": (
        1,
        "Centre",
        "la location de salles pour les réunions, les formations et les réceptions",
        "venue rental for meetings, training sessions and receptions",
        (
            (
                "Location de salles de réunion",
                "Salles de réunion équipées de 10 à 150 places, avec projecteur et visioconférence.",
            ),
            ("Salle de réception", "Grande salle pour réceptions, assemblées et spectacles."),
            (
                "Forfait journée de formation",
                "Forfait comprenant la salle, le café et le dîner pour les journées de formation.",
            ),
        ),
    ),
    "culture.arts": (
        1,
        "Théâtre",
        "des spectacles d'arts de la scène et des activités de médiation culturelle",
        "performing arts and cultural mediation",
        (
            (
                "Spectacles en milieu scolaire",
                "Spectacles de théâtre et de musique présentés dans les écoles.",
            ),
            (
                "Ateliers de médiation culturelle",
                "Ateliers de médiation culturelle pour bibliothèques et organismes.",
            ),
            (
                "Prestations pour événements",
                "Prestations artistiques pour ouvertures, inaugurations et fêtes.",
            ),
        ),
    ),
    "culture.hebergement": (
        1,
        "Auberge",
        "l'hébergement touristique et l'accueil de groupes",
        "tourist lodging and group hospitality",
        (
            ("Hébergement de groupes", "Hébergement de groupes en chambres et en dortoirs, repas inclus."),
            (
                "Forfaits séminaires",
                "Forfaits comprenant l'hébergement, la salle et les repas pour séminaires et retraites de "
                "travail.",
            ),
            (
                "Activités de plein air",
                "Activités guidées de plein air pour groupes scolaires et corporatifs.",
            ),
        ),
    ),
    "habitation.logement": (
        1,
        "Habitations",
        "la gestion de logements communautaires abordables",
        "management of affordable community housing",
        (
            (
                "Logements abordables",
                "Logements communautaires abordables pour familles, aînés et personnes seules.",
            ),
            (
                "Gestion immobilière communautaire",
                "Gestion immobilière et entretien pour OBNL et coopératives d'habitation.",
            ),
            (
                "Logements avec soutien communautaire",
                "Logements avec soutien communautaire pour personnes en situation de vulnérabilité.",
            ),
        ),
    ),
    "habitation.construction": (
        2,
        "Construction",
        "la construction et la rénovation écoénergétique de bâtiments",
        "construction and energy-efficient renovation of buildings",
        (
            (
                "Rénovation écoénergétique",
                "Isolation, remplacement de fenêtres et rénovation écoénergétique de bâtiments.",
            ),
            (
                "Construction de petits bâtiments",
                "Construction de cabanons, d'abris et de petits bâtiments de service.",
            ),
            (
                "Accessibilité universelle",
                "Construction de rampes d'accès et adaptation de bâtiments pour l'accessibilité universelle.",
            ),
        ),
    ),
    "habitation.materiaux": (
        1,
        "Matériaux",
        "la récupération et la vente de matériaux de construction récupérés",
        "salvage and sale of reclaimed building materials",
        (
            (
                "Matériaux de construction récupérés",
                "Bois, portes, fenêtres et quincaillerie récupérés sur les chantiers, triés et revendus.",
            ),
            (
                "Déconstruction sélective",
                "Déconstruction sélective de bâtiments pour récupérer les matériaux réutilisables.",
            ),
            (
                "Bois de grange récupéré",
                "Vente de bois de grange et de bois récupéré pour des projets d'aménagement.",
            ),
        ),
    ),
    "services.comptabilite": (
        1,
        "Comptabilité",
        "la tenue de livres, la paie et la comptabilité des organismes",
        "bookkeeping, payroll and accounting for organisations",
        (
            ("Tenue de livres", "Tenue de livres mensuelle, conciliations bancaires et rapports financiers."),
            ("Service de paie", "Traitement de la paie et des remises gouvernementales."),
            ("Préparation de fin d'exercice", "Préparation des documents de fin d'exercice pour l'auditeur."),
        ),
    ),
    "services.appels": (
        1,
        "Centre d'appels",
        "des services de centre d'appels, de réception et de prise de rendez-vous",
        "call centre, reception and appointment booking services",
        (
            (
                "Centre d'appels bilingue",
                "Réponse téléphonique bilingue, prise de messages et de rendez-vous.",
            ),
            ("Service de réception", "Accueil et réception dans les édifices publics et les établissements."),
            (
                "Sondages téléphoniques",
                "Réalisation de sondages téléphoniques et de relances auprès de la clientèle.",
            ),
        ),
    ),
    "services.conseil": (
        1,
        "Groupe-conseil",
        "des services-conseils en gestion, en gouvernance et en développement organisationnel",
        "consulting in management, governance and organisational development",
        (
            (
                "Accompagnement en gouvernance",
                "Accompagnement des conseils d'administration en gouvernance et en planification "
                "stratégique.",
            ),
            (
                "Planification stratégique",
                "Animation de démarches de planification stratégique et de consultations.",
            ),
            (
                "Gestion de projets collectifs",
                "Coordination de projets collectifs et de démarches de concertation.",
            ),
        ),
    ),
    "services.recherche": (
        1,
        "Recherche",
        "la recherche, l'évaluation de programmes et les études de besoins",
        "research, program evaluation and needs assessments",
        (
            (
                "Évaluation de programmes",
                "Évaluation de programmes et de projets sociaux, avec rapport et recommandations.",
            ),
            (
                "Études de besoins",
                "Enquêtes, groupes de discussion et études de besoins auprès de la population.",
            ),
            ("Portraits statistiques", "Portraits statistiques régionaux et tableaux de bord."),
        ),
    ),
    "ressources.sylviculture": (
        2,
        "Sylviculture",
        "les travaux sylvicoles (reboisement, débroussaillage et éclaircies)",
        "forestry work (reforestation, brush clearing and thinning)",
        (
            ("Reboisement", "Plantation d'arbres et reboisement de terrains publics et privés."),
            ("Débroussaillage", "Débroussaillage et dégagement de plantations et d'emprises."),
            (
                "Entretien de sentiers",
                "Aménagement et entretien de sentiers forestiers et de parcs régionaux.",
            ),
        ),
    ),
    "ressources.agricole": (
        1,
        "Ferme",
        "des services agricoles et horticoles, dont la production en serre et les travaux aux champs",
        "agricultural and horticultural services, including greenhouse production and field work",
        (
            (
                "Production de plants",
                "Production de plants de légumes, de fleurs annuelles et de vivaces en serre.",
            ),
            ("Travaux agricoles à forfait", "Travaux aux champs, récolte et désherbage à forfait."),
            ("Jardins collectifs", "Aménagement et animation de jardins communautaires et collectifs."),
        ),
    ),
    "ressources.energie": (
        1,
        "Énergie",
        "la production d'énergie renouvelable, dont la biomasse forestière et le solaire",
        "renewable energy, including forest biomass and solar",
        (
            (
                "Biomasse et granules",
                "Fourniture de biomasse forestière et de granules pour les chaufferies institutionnelles.",
            ),
            (
                "Installation de panneaux solaires",
                "Installation de panneaux solaires sur des bâtiments municipaux et communautaires.",
            ),
            ("Audit énergétique", "Audit énergétique de bâtiments et recommandations d'économies."),
        ),
    ),
}

# Short forms (French with article, English) used when a category is not the supplier's main one.
_SHORT_FORMS = {
    "alimentation.traiteur": ("un service de traiteur", "catering"),
    "alimentation.cafeteria": ("la gestion de cafétérias", "cafeteria management"),
    "alimentation.repas": ("la livraison de repas", "meal delivery"),
    "alimentation.epicerie": ("des produits d'épicerie", "groceries"),
    "alimentation.local": ("des produits agricoles locaux", "local farm produce"),
    "entretien.menager": ("l'entretien ménager", "cleaning services"),
    "entretien.paysager": ("l'entretien paysager", "landscaping"),
    "entretien.deneigement": ("le déneigement", "snow removal"),
    "entretien.travaux": ("les menus travaux", "minor repairs"),
    "entretien.buanderie": ("la buanderie", "laundry services"),
    "recuperation.collecte": ("la collecte et le recyclage des matières recyclables", "recycling collection"),
    "recuperation.electronique": ("la récupération de matériel électronique", "e-waste recovery"),
    "recuperation.compost": ("le compostage", "composting"),
    "recuperation.textile": ("la récupération textile", "textile recovery"),
    "recuperation.reemploi": ("la vente de mobilier de réemploi", "reused furniture"),
    "recuperation.conseil": ("la sensibilisation à l'environnement", "environmental awareness programs"),
    "fabrication.mobilier": ("l'ébénisterie", "woodwork"),
    "fabrication.couture": ("la couture", "sewing"),
    "fabrication.metal": ("l'usinage", "machining"),
    "fabrication.assemblage": ("l'emballage à forfait", "contract packaging"),
    "fabrication.signalisation": ("les enseignes", "signage"),
    "impression.imprimerie": ("les travaux d'imprimerie", "printing"),
    "impression.graphisme": ("le graphisme", "graphic design"),
    "impression.numerisation": ("la numérisation de documents", "document scanning"),
    "impression.traduction": ("la traduction", "translation"),
    "impression.fournitures": ("les fournitures de bureau", "office supplies"),
    "impression.audiovisuel": ("la production vidéo", "video production"),
    "informatique.reconditionnement": ("la vente d'ordinateurs reconditionnés", "refurbished computers"),
    "informatique.soutien": ("le soutien informatique", "IT support"),
    "informatique.developpement": ("le développement Web", "web development"),
    "informatique.formation": ("la formation numérique", "digital skills training"),
    "transport.demenagement": ("le déménagement", "moving services"),
    "transport.livraison": ("la livraison locale", "local delivery"),
    "transport.entreposage": ("l'entreposage", "warehousing"),
    "transport.personnes": ("le transport adapté", "accessible transport"),
    "sante.aide-domicile": ("l'aide à domicile", "home support"),
    "sante.assistance": ("l'assistance personnelle", "personal assistance"),
    "sante.repit": ("le répit aux proches aidants", "respite for caregivers"),
    "sante.menage-domicile": ("le ménage résidentiel", "residential housekeeping"),
    "education.garde": ("un service de garde", "childcare"),
    "education.formation": ("la formation en emploi", "on-the-job training"),
    "education.animation": ("l'animation", "recreation activities"),
    "education.camps": ("les camps de jour", "day camps"),
    "culture.evenements": ("l'organisation d'événements", "event organisation"),
    "culture.salles": ("la location de salles", "venue rental"),
    "culture.arts": ("la médiation culturelle", "cultural mediation"),
    "culture.hebergement": ("l'hébergement de groupes", "group lodging"),
    "habitation.logement": ("le logement communautaire", "community housing"),
    "habitation.construction": ("la rénovation écoénergétique", "energy-efficient renovation"),
    "habitation.materiaux": ("les matériaux récupérés", "reclaimed building materials"),
    "services.comptabilite": ("la tenue de livres", "bookkeeping"),
    "services.appels": ("la réception d'appels", "call answering"),
    "services.conseil": ("l'accompagnement en gestion", "management consulting"),
    "services.recherche": ("l'évaluation de programmes", "program evaluation"),
    "ressources.sylviculture": ("les travaux sylvicoles", "forestry work"),
    "ressources.agricole": ("les travaux agricoles", "farm work"),
    "ressources.energie": ("la biomasse et l'énergie solaire", "biomass and solar energy"),
}

# Categories that often go together across sectors (a second or third category may come from here).
_RELATED = {
    "alimentation.traiteur": ("culture.evenements", "culture.salles", "education.formation"),
    "alimentation.cafeteria": ("education.formation", "alimentation.traiteur"),
    "alimentation.repas": ("sante.aide-domicile", "transport.livraison"),
    "alimentation.local": ("ressources.agricole",),
    "entretien.menager": ("sante.menage-domicile", "education.formation"),
    "entretien.paysager": ("ressources.sylviculture", "recuperation.compost"),
    "entretien.travaux": ("habitation.construction", "transport.demenagement"),
    "recuperation.electronique": ("informatique.reconditionnement",),
    "recuperation.textile": ("fabrication.couture",),
    "recuperation.reemploi": ("transport.demenagement", "habitation.materiaux"),
    "recuperation.collecte": ("impression.numerisation", "education.formation"),
    "fabrication.assemblage": ("transport.entreposage", "impression.imprimerie"),
    "fabrication.couture": ("recuperation.textile",),
    "fabrication.mobilier": ("recuperation.reemploi",),
    "impression.imprimerie": ("fabrication.assemblage", "fabrication.signalisation"),
    "informatique.reconditionnement": ("recuperation.electronique", "informatique.formation"),
    "transport.demenagement": ("recuperation.reemploi", "transport.entreposage"),
    "sante.aide-domicile": ("alimentation.repas",),
    "sante.menage-domicile": ("entretien.menager",),
    "education.formation": ("informatique.formation",),
    "culture.hebergement": ("alimentation.traiteur", "culture.salles"),
    "habitation.materiaux": ("recuperation.reemploi",),
    "ressources.sylviculture": ("entretien.paysager", "ressources.energie"),
}

# --------------------------------------------------------------------------------------------------
# Regions: names, grammatical forms, real adjacency, density, towns with real FSAs, area codes
# --------------------------------------------------------------------------------------------------

# code, name, "in" form, "of" form, with article (for lists of regions served)
_REGIONS = (
    ("01", "Bas-Saint-Laurent", "au Bas-Saint-Laurent", "du Bas-Saint-Laurent", "le Bas-Saint-Laurent"),
    (
        "02",
        "Saguenay–Lac-Saint-Jean",
        "au Saguenay–Lac-Saint-Jean",
        "du Saguenay–Lac-Saint-Jean",
        "le Saguenay–Lac-Saint-Jean",
    ),
    (
        "03",
        "Capitale-Nationale",
        "dans la Capitale-Nationale",
        "de la Capitale-Nationale",
        "la Capitale-Nationale",
    ),
    ("04", "Mauricie", "en Mauricie", "de la Mauricie", "la Mauricie"),
    ("05", "Estrie", "en Estrie", "de l'Estrie", "l'Estrie"),
    ("06", "Montréal", "à Montréal", "de Montréal", "Montréal"),
    ("07", "Outaouais", "en Outaouais", "de l'Outaouais", "l'Outaouais"),
    (
        "08",
        "Abitibi-Témiscamingue",
        "en Abitibi-Témiscamingue",
        "de l'Abitibi-Témiscamingue",
        "l'Abitibi-Témiscamingue",
    ),
    ("09", "Côte-Nord", "sur la Côte-Nord", "de la Côte-Nord", "la Côte-Nord"),
    ("10", "Nord-du-Québec", "dans le Nord-du-Québec", "du Nord-du-Québec", "le Nord-du-Québec"),
    (
        "11",
        "Gaspésie–Îles-de-la-Madeleine",
        "en Gaspésie–Îles-de-la-Madeleine",
        "de la Gaspésie–Îles-de-la-Madeleine",
        "la Gaspésie–Îles-de-la-Madeleine",
    ),
    (
        "12",
        "Chaudière-Appalaches",
        "en Chaudière-Appalaches",
        "de Chaudière-Appalaches",
        "Chaudière-Appalaches",
    ),
    ("13", "Laval", "à Laval", "de Laval", "Laval"),
    ("14", "Lanaudière", "dans Lanaudière", "de Lanaudière", "Lanaudière"),
    ("15", "Laurentides", "dans les Laurentides", "des Laurentides", "les Laurentides"),
    ("16", "Montérégie", "en Montérégie", "de la Montérégie", "la Montérégie"),
    ("17", "Centre-du-Québec", "au Centre-du-Québec", "du Centre-du-Québec", "le Centre-du-Québec"),
)

REGION_CODES: list[str] = [row[0] for row in _REGIONS]

# Regions sharing a land or St. Lawrence boundary (symmetric).
ADJACENT_REGIONS: dict[str, tuple[str, ...]] = {
    "01": ("09", "11", "12"),
    "02": ("03", "04", "09", "10"),
    "03": ("02", "04", "09", "12"),
    "04": ("02", "03", "08", "10", "14", "17"),
    "05": ("12", "16", "17"),
    "06": ("13", "14", "15", "16"),
    "07": ("08", "15"),
    "08": ("04", "07", "10"),
    "09": ("01", "02", "03", "10", "11"),
    "10": ("02", "04", "08", "09"),
    "11": ("01", "09"),
    "12": ("01", "03", "05", "17"),
    "13": ("06", "14", "15"),
    "14": ("04", "06", "13", "15", "16"),
    "15": ("06", "07", "13", "14", "16"),
    "16": ("05", "06", "14", "15", "17"),
    "17": ("04", "05", "12", "16"),
}

# Relative density of head offices per region: Montréal and Capitale-Nationale densest, Nord-du-Québec sparse.
REGION_WEIGHTS: dict[str, float] = {
    "01": 4.0,
    "02": 4.5,
    "03": 13.0,
    "04": 4.5,
    "05": 4.5,
    "06": 24.0,
    "07": 4.0,
    "08": 2.5,
    "09": 2.0,
    "10": 0.7,
    "11": 2.0,
    "12": 5.0,
    "13": 4.0,
    "14": 4.5,
    "15": 5.5,
    "16": 11.0,
    "17": 3.5,
}

# Area codes (main, overlay) per region.
_AREA_CODES = {
    "01": ("418", "581"),
    "02": ("418", "581"),
    "03": ("418", "581"),
    "09": ("418", "581"),
    "11": ("418", "581"),
    "12": ("418", "581"),
    "06": ("514", "438"),
    "13": ("450", "579"),
    "14": ("450", "579"),
    "15": ("450", "579"),
    "16": ("450", "579"),
    "04": ("819", "873"),
    "05": ("819", "873"),
    "07": ("819", "873"),
    "08": ("819", "873"),
    "10": ("819", "873"),
    "17": ("819", "873"),
}

# Real towns per region: (name, forward sortation areas, weight).
_TOWNS: dict[str, tuple[tuple[str, tuple[str, ...], float], ...]] = {
    "01": (
        ("Rimouski", ("G5L", "G5M", "G5N"), 5),
        ("Rivière-du-Loup", ("G5R",), 3),
        ("Matane", ("G4W",), 2),
        ("Amqui", ("G5J",), 1),
        ("Mont-Joli", ("G5H",), 1),
        ("Trois-Pistoles", ("G0L",), 1),
        ("Témiscouata-sur-le-Lac", ("G0L",), 1),
    ),
    "02": (
        ("Saguenay", ("G7H", "G7J", "G7B", "G7S"), 6),
        ("Alma", ("G8B",), 2),
        ("Roberval", ("G8H",), 1),
        ("Dolbeau-Mistassini", ("G8L",), 1),
        ("Saint-Félicien", ("G8K",), 1),
    ),
    "03": (
        ("Québec", ("G1K", "G1R", "G1L", "G1J", "G1M", "G1N", "G2J", "G1V"), 12),
        ("L'Ancienne-Lorette", ("G2E",), 1),
        ("Saint-Raymond", ("G3L",), 1),
        ("Baie-Saint-Paul", ("G3Z",), 1),
        ("La Malbaie", ("G5A",), 1),
        ("Donnacona", ("G3M",), 1),
        ("Sainte-Anne-de-Beaupré", ("G0A",), 1),
    ),
    "04": (
        ("Trois-Rivières", ("G8T", "G8Y", "G9A", "G8Z"), 6),
        ("Shawinigan", ("G9N", "G9P"), 3),
        ("La Tuque", ("G9X",), 1),
        ("Louiseville", ("J5V",), 1),
        ("Saint-Tite", ("G0X",), 1),
    ),
    "05": (
        ("Sherbrooke", ("J1H", "J1J", "J1L", "J1E", "J1G"), 7),
        ("Magog", ("J1X",), 2),
        ("Coaticook", ("J1A",), 1),
        ("Val-des-Sources", ("J1T",), 1),
        ("Windsor", ("J1S",), 1),
        ("East Angus", ("J0B",), 1),
    ),
    "06": (
        (
            "Montréal",
            ("H2X", "H2J", "H1V", "H2S", "H1W", "H3K", "H4C", "H2R", "H1Z", "H4G", "H2L", "H3C"),
            30,
        ),
        ("Dorval", ("H9S",), 1),
        ("Pointe-Claire", ("H9R",), 1),
        ("Montréal-Est", ("H1B",), 1),
        ("Westmount", ("H3Z",), 1),
    ),
    "07": (
        ("Gatineau", ("J8X", "J8Y", "J8T", "J8P", "J9H"), 8),
        ("Maniwaki", ("J9E",), 1),
        ("Chelsea", ("J9B",), 1),
        ("Papineauville", ("J0V",), 1),
        ("Shawville", ("J0X",), 1),
    ),
    "08": (
        ("Rouyn-Noranda", ("J9X",), 3),
        ("Val-d'Or", ("J9P",), 3),
        ("Amos", ("J9T",), 2),
        ("La Sarre", ("J9Z",), 1),
        ("Ville-Marie", ("J9V",), 1),
        ("Témiscaming", ("J0Z",), 1),
    ),
    "09": (
        ("Baie-Comeau", ("G4Z", "G5C"), 3),
        ("Sept-Îles", ("G4R", "G4S"), 3),
        ("Forestville", ("G0T",), 1),
        ("Port-Cartier", ("G5B",), 1),
        ("Havre-Saint-Pierre", ("G0G",), 1),
        ("Fermont", ("G0G",), 1),
    ),
    "10": (
        # Chibougamau and Chapais really use G postal codes; Matagami and Lebel-sur-Quévillon use J0Y.
        ("Chibougamau", ("G8P",), 3),
        ("Chapais", ("G0W",), 1),
        ("Matagami", ("J0Y",), 1),
        ("Lebel-sur-Quévillon", ("J0Y",), 1),
    ),
    "11": (
        ("Gaspé", ("G4X",), 3),
        ("Sainte-Anne-des-Monts", ("G4V",), 1),
        ("Chandler", ("G0C",), 1),
        ("New Richmond", ("G0C",), 1),
        ("Carleton-sur-Mer", ("G0C",), 1),
        ("Les Îles-de-la-Madeleine", ("G4T",), 2),
        ("Bonaventure", ("G0C",), 1),
    ),
    "12": (
        ("Lévis", ("G6V", "G6W", "G6Z", "G6J"), 6),
        ("Saint-Georges", ("G5Y", "G5Z"), 2),
        ("Thetford Mines", ("G6G", "G6H"), 2),
        ("Montmagny", ("G5V",), 1),
        ("Sainte-Marie", ("G6E",), 1),
        ("Lac-Etchemin", ("G0R",), 1),
    ),
    "13": (("Laval", ("H7N", "H7S", "H7T", "H7V", "H7G", "H7L", "H7P", "H7E"), 1),),
    "14": (
        ("Joliette", ("J6E",), 3),
        ("Repentigny", ("J6A", "J5Y"), 2),
        ("Terrebonne", ("J6W", "J6X", "J6Y"), 3),
        ("Mascouche", ("J7K",), 1),
        ("Berthierville", ("J0K",), 1),
        ("Rawdon", ("J0K",), 1),
        ("Saint-Michel-des-Saints", ("J0K",), 1),
    ),
    "15": (
        ("Saint-Jérôme", ("J7Z", "J7Y"), 4),
        ("Mirabel", ("J7J", "J7N"), 1),
        ("Sainte-Agathe-des-Monts", ("J8C",), 1),
        ("Mont-Laurier", ("J9L",), 2),
        ("Mont-Tremblant", ("J8E",), 1),
        ("Blainville", ("J7C",), 1),
        ("Saint-Eustache", ("J7R", "J7P"), 2),
    ),
    "16": (
        ("Longueuil", ("J4K", "J4H", "J4J", "J4L", "J4M"), 5),
        ("Saint-Hyacinthe", ("J2S", "J2T"), 2),
        ("Granby", ("J2G", "J2H"), 2),
        ("Saint-Jean-sur-Richelieu", ("J3B", "J2W"), 2),
        ("Salaberry-de-Valleyfield", ("J6T", "J6S"), 1),
        ("Sorel-Tracy", ("J3P", "J3R"), 1),
        ("Châteauguay", ("J6J", "J6K"), 1),
        ("Brossard", ("J4W", "J4X", "J4Z"), 2),
    ),
    "17": (
        ("Drummondville", ("J2B", "J2C"), 4),
        ("Victoriaville", ("G6P", "G6S"), 3),
        ("Nicolet", ("J3T",), 1),
        ("Bécancour", ("G9H",), 1),
        ("Plessisville", ("G6L",), 1),
        ("Princeville", ("G6L",), 1),
    ),
}

# Sub-regional place names usable in enterprise names: (bare form, "of" form); no bare form for names
# that need their article ("des Basques", "du Fjord").
_PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "01": (
        ("Bas-Saint-Laurent", "du Bas-Saint-Laurent"),
        ("Mitis", "de la Mitis"),
        ("Kamouraska", "du Kamouraska"),
        ("", "des Basques"),
        ("Témiscouata", "du Témiscouata"),
        ("Matapédia", "de la Matapédia"),
    ),
    "02": (
        ("", "du Fjord"),
        ("Saguenay", "du Saguenay"),
        ("Lac-Saint-Jean", "du Lac-Saint-Jean"),
        ("Domaine-du-Roy", "du Domaine-du-Roy"),
        ("Maria-Chapdelaine", "de Maria-Chapdelaine"),
        ("", "des Bleuets"),
    ),
    "03": (
        ("Charlevoix", "de Charlevoix"),
        ("Portneuf", "de Portneuf"),
        ("", "de la Capitale"),
        ("Côte-de-Beaupré", "de la Côte-de-Beaupré"),
        ("Limoilou", "de Limoilou"),
        ("Saint-Roch", "de Saint-Roch"),
        ("Vieux-Québec", "du Vieux-Québec"),
        ("Charlesbourg", "de Charlesbourg"),
    ),
    "04": (
        ("Mauricie", "de la Mauricie"),
        ("Haute-Mauricie", "de la Haute-Mauricie"),
        ("Maskinongé", "de Maskinongé"),
        ("Mékinac", "de Mékinac"),
        ("Saint-Maurice", "du Saint-Maurice"),
    ),
    "05": (
        ("Estrie", "de l'Estrie"),
        ("Cantons-de-l'Est", "des Cantons-de-l'Est"),
        ("Memphrémagog", "de Memphrémagog"),
        ("Haut-Saint-François", "du Haut-Saint-François"),
        ("Val-Saint-François", "du Val-Saint-François"),
    ),
    "06": (
        ("Hochelaga", "d'Hochelaga"),
        ("Rosemont", "de Rosemont"),
        ("Villeray", "de Villeray"),
        ("Plateau", "du Plateau"),
        ("Verdun", "de Verdun"),
        ("Saint-Michel", "de Saint-Michel"),
        ("Centre-Sud", "du Centre-Sud"),
        ("Pointe-Saint-Charles", "de Pointe-Saint-Charles"),
        ("Ahuntsic", "d'Ahuntsic"),
        ("Montréal-Nord", "de Montréal-Nord"),
        ("Petite-Patrie", "de la Petite-Patrie"),
        ("Mile-End", "du Mile-End"),
        ("Lachine", "de Lachine"),
        ("Saint-Henri", "de Saint-Henri"),
        ("Mercier", "de Mercier"),
        ("Côte-des-Neiges", "de Côte-des-Neiges"),
    ),
    "07": (
        ("Outaouais", "de l'Outaouais"),
        ("Pontiac", "du Pontiac"),
        ("Vallée-de-la-Gatineau", "de la Vallée-de-la-Gatineau"),
        ("Petite-Nation", "de la Petite-Nation"),
        ("", "des Collines"),
    ),
    "08": (
        ("Abitibi", "de l'Abitibi"),
        ("Témiscamingue", "du Témiscamingue"),
        ("Harricana", "de l'Harricana"),
        ("Vallée-de-l'Or", "de la Vallée-de-l'Or"),
    ),
    "09": (
        ("Côte-Nord", "de la Côte-Nord"),
        ("Manicouagan", "de la Manicouagan"),
        ("Haute-Côte-Nord", "de la Haute-Côte-Nord"),
        ("Minganie", "de la Minganie"),
        ("Sept-Rivières", "de Sept-Rivières"),
    ),
    "10": (("Jamésie", "de la Jamésie"), ("Baie-James", "de la Baie-James"), ("", "du Nord")),
    "11": (
        ("Gaspésie", "de la Gaspésie"),
        ("", "des Îles"),
        ("Baie-des-Chaleurs", "de la Baie-des-Chaleurs"),
        ("Haute-Gaspésie", "de la Haute-Gaspésie"),
        ("Rocher-Percé", "du Rocher-Percé"),
    ),
    "12": (
        ("Beauce", "de la Beauce"),
        ("Bellechasse", "de Bellechasse"),
        ("", "des Appalaches"),
        ("Lotbinière", "de Lotbinière"),
        ("", "des Etchemins"),
        ("Rive-Sud", "de la Rive-Sud"),
        ("Côte-du-Sud", "de la Côte-du-Sud"),
    ),
    "13": (
        ("Chomedey", "de Chomedey"),
        ("Sainte-Rose", "de Sainte-Rose"),
        ("Pont-Viau", "de Pont-Viau"),
        ("Vimont", "de Vimont"),
        ("Île Jésus", "de l'Île Jésus"),
        ("Laval-des-Rapides", "de Laval-des-Rapides"),
    ),
    "14": (
        ("Lanaudière", "de Lanaudière"),
        ("Matawinie", "de la Matawinie"),
        ("", "des Moulins"),
        ("Montcalm", "de Montcalm"),
        ("Haute-Matawinie", "de la Haute-Matawinie"),
    ),
    "15": (
        ("Laurentides", "des Laurentides"),
        ("Basses-Laurentides", "des Basses-Laurentides"),
        ("Hautes-Laurentides", "des Hautes-Laurentides"),
        ("Rivière-du-Nord", "de la Rivière-du-Nord"),
        ("Pays-d'en-Haut", "des Pays-d'en-Haut"),
        ("Deux-Montagnes", "des Deux-Montagnes"),
    ),
    "16": (
        ("Rive-Sud", "de la Rive-Sud"),
        ("Montérégie", "de la Montérégie"),
        ("Haut-Richelieu", "du Haut-Richelieu"),
        ("Vallée-du-Richelieu", "de la Vallée-du-Richelieu"),
        ("Suroît", "du Suroît"),
        ("Haute-Yamaska", "de la Haute-Yamaska"),
        ("", "des Maskoutains"),
        ("Vaudreuil-Soulanges", "de Vaudreuil-Soulanges"),
        ("Roussillon", "du Roussillon"),
    ),
    "17": (
        ("Centre-du-Québec", "du Centre-du-Québec"),
        ("Bois-Francs", "des Bois-Francs"),
        ("Arthabaska", "d'Arthabaska"),
        ("Drummond", "de Drummond"),
        ("Nicolet-Yamaska", "de Nicolet-Yamaska"),
        ("", "de l'Érable"),
    ),
}

# Regions where resource sectors weigh more, and the most urban regions.
_RURAL = frozenset({"01", "02", "04", "08", "09", "10", "11", "12", "17"})
_URBAN = frozenset({"06", "13"})

# --------------------------------------------------------------------------------------------------
# Legal form, accreditations, cooperative types (probabilities by sector)
# --------------------------------------------------------------------------------------------------

# sector: (P(adapted), P(integration), P(cooperative | not integration))
_SECTOR_PROFILE = {
    "alimentation": (0.06, 0.13, 0.30),
    "entretien": (0.10, 0.09, 0.18),
    "recuperation": (0.10, 0.13, 0.20),
    "fabrication": (0.25, 0.09, 0.20),
    "impression": (0.10, 0.04, 0.30),
    "informatique": (0.06, 0.09, 0.35),
    "transport": (0.06, 0.06, 0.25),
    "sante": (0.01, 0.01, 0.40),
    "education": (0.01, 0.05, 0.12),
    "culture": (0.01, 0.02, 0.25),
    "habitation": (0.01, 0.04, 0.45),
    "services": (0.08, 0.03, 0.30),
    "ressources": (0.01, 0.05, 0.60),
}

_COOP_TYPES_DEFAULT = {"solidarity": 45, "worker": 40, "worker_shareholder": 10, "consumer": 5}
_COOP_TYPES_BY_SECTOR = {
    "alimentation": {"solidarity": 40, "worker": 25, "producer": 20, "consumer": 15, "worker_shareholder": 3},
    "ressources": {"worker": 45, "producer": 30, "solidarity": 20, "worker_shareholder": 5},
    "habitation": {"consumer": 40, "solidarity": 30, "worker": 30},
    "sante": {"solidarity": 70, "worker": 15, "consumer": 15},
    "culture": {"solidarity": 40, "worker": 30, "producer": 20, "consumer": 10},
    "fabrication": {"worker": 45, "solidarity": 25, "worker_shareholder": 20, "producer": 10},
    "informatique": {"worker": 60, "solidarity": 25, "worker_shareholder": 15},
    "entretien": {"worker": 45, "solidarity": 40, "worker_shareholder": 15},
    "transport": {"worker": 45, "solidarity": 40, "worker_shareholder": 10, "consumer": 5},
}

_COOP_PREFIXES = {
    "solidarity": ("Coopérative de solidarité", "Coop de solidarité"),
    "worker": ("Coopérative de travail", "Coopérative de travailleurs"),
    "producer": ("Coopérative de producteurs",),
    "consumer": ("Coopérative de consommateurs",),
    "worker_shareholder": ("Coopérative de travailleurs actionnaire",),
}
_COOP_GENERIC_PREFIXES = ("Coop", "Coopérative")
# (category, coop types) -> a customary prefix for that line of business
_COOP_SPECIAL_PREFIXES = {
    ("habitation.logement", "consumer"): "Coopérative d'habitation",
    ("habitation.logement", "solidarity"): "Coopérative d'habitation",
    ("ressources.sylviculture", "worker"): "Coopérative forestière",
    ("ressources.sylviculture", "producer"): "Coopérative forestière",
    ("ressources.agricole", "producer"): "Coopérative agricole",
    ("alimentation.local", "producer"): "Coopérative agricole",
}

# Brand-like name cores per sector; cores starting with an article take the "of" place form.
_SECTOR_CORES = {
    "alimentation": (
        "La Marmite solidaire",
        "Le Grenier",
        "La Popote",
        "Les Saveurs partagées",
        "Le Chaudron",
        "La Table commune",
        "Le Garde-Manger",
        "Cuisi-Action",
        "La Bonne Assiette",
        "Le Festin",
        "La Miche",
        "La Soupière",
        "Bouffe-Action",
        "Le Bon Goût",
        "Saveurs d'ici",
    ),
    "entretien": (
        "Pro-Net",
        "Éco-Entretien",
        "Net-Action",
        "Le Plumeau",
        "La Brigade verte",
        "Multi-Services",
        "Services Éclair",
        "Vert-Demain",
        "Clair-Net",
        "Les Mains vertes",
        "Propreté Plus",
        "Le Coup de balai",
        "Horizon Vert",
    ),
    "recuperation": (
        "Récup-Action",
        "Éco-Récup",
        "Le Tri-Vert",
        "La Seconde Vie",
        "Retour-Matière",
        "La Boucle",
        "Vert-Cycle",
        "Réemploi Plus",
        "Écolo-Récup",
        "Le Bac bleu",
        "La Deuxième Chance",
        "Cyclo-Tri",
    ),
    "fabrication": (
        "Pro-Emballage",
        "L'Établi",
        "La Fabrique",
        "Bois-Action",
        "L'Aiguille",
        "Main-Forte",
        "Multi-Emballage",
        "Le Copeau",
        "Signa-Pro",
        "Le Fil d'Ariane",
        "Assemblage Plus",
        "La Bobine",
        "Métal-Action",
    ),
    "impression": (
        "L'Encrier",
        "Le Pressoir",
        "Imprim-Action",
        "Graphi-Com",
        "La Plume",
        "Papier Plus",
        "Le Typographe",
        "Format Libre",
        "Archi-Doc",
        "Numéri-Doc",
        "Le Mot juste",
        "Encre verte",
    ),
    "informatique": (
        "Ordi-Relais",
        "Techno-Récup",
        "Le Bit",
        "Réseau-Plus",
        "Ordi-Action",
        "Puce verte",
        "Web-Action",
        "Clic-Solidaire",
        "Octet",
        "Micro-Recyc",
        "Le Pixel",
        "Ordi-Vert",
    ),
    "transport": (
        "Déména-Pro",
        "Les Bras solidaires",
        "Transit",
        "Le Convoi",
        "Cargo-Action",
        "La Navette",
        "Roule-Action",
        "Express Solidaire",
        "Logi-Action",
        "Le Porteur",
        "Vélo-Cargo",
    ),
    "sante": (
        "Le Coup de main",
        "Aide-Maison",
        "La Main tendue",
        "Soutien-Plus",
        "Présence",
        "Les Aidants",
        "Domi-Services",
        "Entr'Aide",
        "Le Fil d'argent",
        "Bien chez soi",
        "Le Rayon de soleil",
        "Les Services partagés",
    ),
    "education": (
        "Les Petits Pas",
        "La Marelle",
        "Les Découvreurs",
        "Les Moussaillons",
        "Savoir-Faire",
        "Les Coccinelles",
        "La Bottine",
        "Le Cerf-volant",
        "Les Explorateurs",
        "L'Arc-en-ciel",
        "Les Lucioles",
    ),
    "culture": (
        "Le Parvis",
        "La Scène",
        "Le Quai",
        "La Grange",
        "Événements Complices",
        "La Chapelle",
        "Le Rendez-vous",
        "Le Vieux Moulin",
        "Les Escales",
        "Le Carrousel",
        "Le Belvédère",
    ),
    "habitation": (
        "Habitat-Action",
        "Les Bâtisseurs",
        "Le Toit",
        "Rénovert",
        "Éco-Habitat",
        "Le Chantier",
        "Matério",
        "La Charpente",
        "Le Pignon",
        "La Maison verte",
        "Le Seuil",
    ),
    "services": (
        "Compta-Plus",
        "Le Bureau solidaire",
        "Gestion-Action",
        "Le Standard",
        "Accueil-Plus",
        "Synergie",
        "Le Registre",
        "Ancrage",
        "La Boussole",
        "Convergence",
        "Le Levier",
    ),
    "ressources": (
        "Sylva-Action",
        "La Forestière",
        "Les Semences",
        "Le Champ commun",
        "Agri-Action",
        "Énergie Verte",
        "Le Boisé",
        "Bio-Énergie",
        "Les Récoltes",
        "Le Sillon",
        "L'Érablière",
    ),
}
_GENERIC_CORES = (
    "L'Élan",
    "Horizon",
    "La Ruche",
    "Le Phare",
    "Le Pivot",
    "L'Essor",
    "Le Carrefour",
    "Alliance",
    "Le Nid",
    "L'Étincelle",
)
_INTEGRATION_CORES = (
    "Relais",
    "Tremplin",
    "Passerelle",
    "Le Relais",
    "Le Tremplin",
    "La Passerelle",
    "Tremplin-Travail",
    "Relance",
    "Cap-Emploi",
)
_INTEGRATION_PREFIXES = ("Entreprise d'insertion", "Plateau d'insertion", "Atelier d'insertion")
_ADAPTED_PREFIXES = (
    "Entreprise adaptée",
    "Entreprise adaptée",
    "Entreprise adaptée",
    "Les Ateliers",
    "Atelier",
)
_NONPROFIT_PREFIXES = ("Atelier", "Centre", "Corporation", "Groupe")

# --------------------------------------------------------------------------------------------------
# Description sentences
# --------------------------------------------------------------------------------------------------

# Legal phrase: (French with article, French without article, masculine?, English with article)
_LEGAL_PHRASES = {
    "adapted": ("une entreprise adaptée", "Entreprise adaptée", False, "an accredited adapted enterprise"),
    "integration": (
        "une entreprise d'insertion",
        "Entreprise d'insertion",
        False,
        "a work-integration enterprise",
    ),
    "solidarity": (
        "une coopérative de solidarité",
        "Coopérative de solidarité",
        False,
        "a solidarity co-operative",
    ),
    "worker": ("une coopérative de travail", "Coopérative de travail", False, "a worker co-operative"),
    "producer": (
        "une coopérative de producteurs",
        "Coopérative de producteurs",
        False,
        "a producers' co-operative",
    ),
    "consumer": (
        "une coopérative de consommateurs",
        "Coopérative de consommateurs",
        False,
        "a consumers' co-operative",
    ),
    "worker_shareholder": (
        "une coopérative de travailleurs actionnaire",
        "Coopérative de travailleurs actionnaire",
        False,
        "a worker-shareholder co-operative",
    ),
}
_NONPROFIT_PHRASES = (
    ("un organisme à but non lucratif", "Organisme à but non lucratif", True, "a non-profit organisation"),
    (
        "une entreprise d'économie sociale",
        "Entreprise d'économie sociale",
        False,
        "a social-economy enterprise",
    ),
    ("un OBNL", "OBNL", True, "a non-profit"),
)

# Mission sentences: (lead, rest) in French and English. With a lead, the full sentence is
# "<lead>, nous <rest>" (used when the first sentence did not state the legal form) and the short one
# "Nous <rest>"; without a lead, <rest> is a whole sentence used as is.
_MISSION_TEXTS = {
    "adapted": (
        (
            "Entreprise adaptée reconnue",
            "employons majoritairement des personnes vivant avec un handicap.",
            "As an accredited adapted enterprise",
            "mostly employ people living with a disability.",
        ),
        (
            "",
            "Plus de 60 % de notre personnel est composé de personnes handicapées, qui occupent des emplois "
            "durables et valorisants.",
            "",
            "More than 60% of our staff are people with disabilities, who hold lasting and rewarding jobs.",
        ),
        (
            "",
            "Notre mission est de créer des emplois de qualité pour des personnes handicapées tout en "
            "offrant "
            "un service fiable.",
            "",
            "Our mission is to create quality jobs for people with disabilities while providing reliable "
            "service.",
        ),
    ),
    "integration": (
        (
            "Entreprise d'insertion",
            "accueillons des personnes éloignées du marché du travail dans un parcours rémunéré de "
            "formation en emploi.",
            "As a work-integration enterprise",
            "welcome people far from the labour market into a paid on-the-job training path.",
        ),
        (
            "",
            "Chaque contrat soutient l'insertion sociale et professionnelle de jeunes adultes accompagnés "
            "par "
            "notre équipe.",
            "",
            "Every contract supports the social and professional integration of young adults coached by our "
            "team.",
        ),
        (
            "",
            "Nos participants en insertion acquièrent des compétences concrètes avant d'intégrer un emploi "
            "durable.",
            "",
            "Our work-integration participants gain hands-on skills before moving on to lasting employment.",
        ),
    ),
    "solidarity": (
        (
            "Coopérative de solidarité",
            "réunissons des membres travailleurs, des usagers et des membres de soutien de la communauté.",
            "As a solidarity co-operative",
            "bring together worker members, users and supporting members from the community.",
        ),
        (
            "",
            "Notre coopérative réinvestit ses surplus dans des emplois locaux et des services de proximité.",
            "",
            "Our co-operative reinvests its surplus in local jobs and community services.",
        ),
    ),
    "worker": (
        (
            "",
            "Nos membres travailleurs sont propriétaires de la coopérative et la gèrent de façon "
            "démocratique.",
            "",
            "Our worker members own the co-operative and run it democratically.",
        ),
        (
            "Coopérative de travail",
            "assurons des emplois stables et une gouvernance où chaque membre a une voix.",
            "As a worker co-operative",
            "provide stable jobs and governance in which every member has a voice.",
        ),
    ),
    "producer": (
        (
            "",
            "Notre coopérative regroupe des producteurs de la région qui mettent en commun leurs ressources.",
            "",
            "Our co-operative brings together local producers who pool their resources.",
        ),
    ),
    "consumer": (
        (
            "",
            "Propriété de ses membres usagers, notre coopérative offre des services de qualité à juste prix.",
            "",
            "Owned by its user members, our co-operative provides quality services at a fair price.",
        ),
    ),
    "worker_shareholder": (
        (
            "",
            "Nos employés, réunis en coopérative de travailleurs actionnaire, détiennent une part de "
            "l'entreprise et participent à ses décisions.",
            "",
            "Our employees, organised as a worker-shareholder co-operative, own part of the company and take "
            "part in its decisions.",
        ),
    ),
    "non_profit": (
        (
            "Organisme à but non lucratif",
            "réinvestissons nos revenus dans notre mission sociale et dans la communauté.",
            "As a non-profit",
            "reinvest our revenue in our social mission and in the community.",
        ),
        (
            "Entreprise d'économie sociale",
            "créons des emplois locaux et réinvestissons nos surplus dans la communauté.",
            "As a social-economy enterprise",
            "create local jobs and reinvest our surplus in the community.",
        ),
        (
            "",
            "Nos revenus autonomes financent des services à la population et des emplois durables dans la "
            "région.",
            "",
            "Our earned revenue funds services to the public and lasting jobs in the region.",
        ),
    ),
}
# kind -> tuple of (full French, full English, short French, short English)
_MISSIONS = {
    kind: tuple(
        (f"{lead_fr}, nous {rest_fr}", f"{lead_en}, we {rest_en}", f"Nous {rest_fr}", f"We {rest_en}")
        if lead_fr
        else (rest_fr, rest_en, rest_fr, rest_en)
        for lead_fr, rest_fr, lead_en, rest_en in texts
    )
    for kind, texts in _MISSION_TEXTS.items()
}

_ACTIVITY_TEMPLATES = (
    ("Nous offrons {}.", "We provide {}."),
    (
        "Nous proposons {} aux organismes publics et aux entreprises.",
        "We offer {} to public bodies and businesses.",
    ),
    ("Nos services comprennent {}.", "Our services include {}."),
    ("Notre offre comprend {}.", "What we offer includes {}."),
    (
        "Nous mettons notre savoir-faire au service des acheteurs publics : {}.",
        "We put our know-how at the service of public buyers: {}.",
    ),
)

_BUYER_SENTENCES = (
    (
        "Nous répondons aux demandes de prix des municipalités, des établissements de santé et des centres "
        "de "
        "services scolaires.",
        "We answer requests for quotes from municipalities, health institutions and school service centres.",
    ),
    (
        "Nos clients comprennent des ministères, des CISSS, des cégeps et des municipalités.",
        "Our clients include government departments, CISSS, CEGEPs and municipalities.",
    ),
    (
        "Nous fournissons rapidement des soumissions pour les contrats de gré à gré comme pour les appels "
        "d'offres.",
        "We quickly provide quotes for both direct-award contracts and calls for tenders.",
    ),
    (
        "Nous travaillons avec les organismes publics de la région depuis de nombreuses années.",
        "We have worked with public bodies in the region for many years.",
    ),
)

_STREET_TYPES = ("rue",) * 10 + ("boulevard",) * 3 + ("avenue",) * 2 + ("chemin", "route", "place")
_STREET_NAMES = (
    "Saint-Germain",
    "Principale",
    "des Érables",
    "Notre-Dame",
    "Saint-Jean",
    "King",
    "Wellington",
    "du Parc",
    "de l'Église",
    "Laurier",
    "Commerciale",
    "Industrielle",
    "Saint-Joseph",
    "des Pionniers",
    "Champlain",
    "Sainte-Anne",
    "du Moulin",
    "Saint-Laurent",
    "de la Gare",
    "Jacques-Cartier",
    "des Bouleaux",
    "du Lac",
    "Saint-Pierre",
    "Frontenac",
    "Papineau",
    "de la Montagne",
    "des Forges",
    "Dollard",
    "Cartier",
    "du Collège",
)
_DIRECTIONS = ("", "", "", "", " Est", " Ouest", " Nord", " Sud")
_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
_EMAIL_LOCALS = ("info",) * 16 + ("accueil", "accueil", "ventes", "bonjour")

# The first rows: (head-office region, main category, accreditation, forced service area or "").
# They cycle through the 17 regions and the 13 sectors, whatever the seed, and place the searches that
# matter for demos: catering, snow removal, recycling and printing serving Bas-Saint-Laurent (01), and
# adapted enterprises doing contract packaging.
_ANCHORS = (
    ("01", "alimentation.traiteur", "", ""),
    ("02", "entretien.deneigement", "", ""),
    ("03", "recuperation.collecte", "", ""),
    ("04", "fabrication.assemblage", "adapted", ""),
    ("05", "impression.imprimerie", "", ""),
    ("06", "informatique.reconditionnement", "integration", ""),
    ("07", "transport.demenagement", "", ""),
    ("08", "sante.aide-domicile", "", ""),
    ("09", "education.formation", "integration", ""),
    ("10", "culture.hebergement", "", ""),
    ("11", "habitation.construction", "", ""),
    ("12", "services.appels", "adapted", ""),
    ("13", "ressources.agricole", "", ""),
    ("14", "entretien.menager", "integration", ""),
    ("15", "alimentation.cafeteria", "", ""),
    ("16", "fabrication.assemblage", "adapted", ""),
    ("17", "recuperation.electronique", "", ""),
    ("01", "entretien.deneigement", "", ""),
    ("01", "recuperation.collecte", "integration", ""),
    ("01", "impression.imprimerie", "", "01;11"),
    ("06", "fabrication.assemblage", "adapted", ""),
    ("03", "alimentation.traiteur", "integration", ""),
    ("11", "entretien.deneigement", "", "01;11"),
    ("12", "alimentation.traiteur", "", "01;03;12"),
    ("12", "impression.imprimerie", "", "01;03;12"),
    ("09", "recuperation.collecte", "", "01;09"),
    ("12", "fabrication.assemblage", "adapted", "01;12"),
)


# --------------------------------------------------------------------------------------------------
# Precomputation
# --------------------------------------------------------------------------------------------------


class _Weighted:
    """Items with cumulative weights, for a fast weighted pick with one random() call."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence, weights: Sequence[float]):
        self.items = tuple(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, random_float):
        return self.items[bisect(self.cum, random_float() * self.total)]


class _Category:
    __slots__ = (
        "code",
        "sector",
        "weight",
        "trade",
        "trade_lower",
        "fr",
        "en",
        "short_fr",
        "short_en",
        "offerings",
        "related",
    )

    def __init__(self, code, sector, content, related):
        self.code = code
        self.sector = sector
        self.weight, self.trade, self.fr, self.en, self.offerings = content
        self.short_fr, self.short_en = _SHORT_FORMS[code]
        self.trade_lower = self.trade.lower()[:5]  # stem, to avoid "Récupération Récup-Action"
        self.related = related


class _Town:
    __slots__ = ("name", "fsas", "at", "of")

    def __init__(self, name, fsas):
        self.name = name
        self.fsas = fsas
        if name.startswith("Les "):
            self.at, self.of = "aux " + name[4:], "des " + name[4:]
        else:
            self.at = "à " + name
            self.of = ("d'" if name[0] in "AEIOUYÉÈÊÎÔ" else "de ") + name


_CATEGORIES: dict[str, _Category] = {}
for _sector, _code, _fr, _en, _u in _CATEGORY_ROWS:
    _CATEGORIES[_code] = _Category(_code, _sector, _CAT_CONTENT[_code], _RELATED.get(_code, ()))
assert set(_CAT_CONTENT) == set(_CATEGORIES) == set(_SHORT_FORMS)

_SECTOR_CATEGORIES = {
    sector: _Weighted(
        [c for c in _CATEGORIES.values() if c.sector == sector],
        [c.weight for c in _CATEGORIES.values() if c.sector == sector],
    )
    for sector, _f, _e in _SECTORS
}
_SECTOR_CODES = tuple(sector for sector, _f, _e in _SECTORS)
assert set(SECTOR_WEIGHTS) == set(_SECTOR_CODES)


def _sector_weights_for(region: str) -> list[float]:
    weights = []
    for sector in _SECTOR_CODES:
        weight = SECTOR_WEIGHTS[sector]
        if sector == "ressources":
            weight *= 2.5 if region in _RURAL else 0.15 if region in _URBAN else 1.0
        elif sector in ("informatique", "services", "culture") and region in _URBAN:
            weight *= 1.5
        weights.append(weight)
    return weights


_REGION_PICK = _Weighted(REGION_CODES, [REGION_WEIGHTS[code] for code in REGION_CODES])
_REGION_SECTOR_PICK = {code: _Weighted(_SECTOR_CODES, _sector_weights_for(code)) for code in REGION_CODES}
_REGION_INFO = {row[0]: row for row in _REGIONS}
_REGION_TOWNS = {
    code: _Weighted([_Town(name, fsas) for name, fsas, _w in towns], [w for _n, _f, w in towns])
    for code, towns in _TOWNS.items()
}
# Place names for enterprise names besides the head-office town: sub-regional names (bare and "of" forms).
_REGION_PLACES = _PLACES
_COOP_TYPE_PICK = {
    sector: _Weighted(list(weights), list(weights.values()))
    for sector, weights in ((s, _COOP_TYPES_BY_SECTOR.get(s, _COOP_TYPES_DEFAULT)) for s in _SECTOR_CODES)
}
_CORES_WITH_GENERIC = {sector: cores + _GENERIC_CORES for sector, cores in _SECTOR_CORES.items()}
_ARTICLES = ("Le ", "La ", "Les ", "L'")


def _build_slug_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for codepoint in range(0x20, 0x250):
        char = chr(codepoint)
        ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode().lower()
        table[codepoint] = ascii_form if ascii_form.isalnum() else "-"
    for char in "'’":
        table[ord(char)] = ""
    table[ord("–")] = table[ord("—")] = "-"
    table[ord("œ")] = table[ord("Œ")] = "oe"
    table[ord("æ")] = table[ord("Æ")] = "ae"
    return table


_SLUG_TABLE = _build_slug_table()


def _slug(text: str) -> str:
    slug = text.translate(_SLUG_TABLE)
    while "--" in slug:
        slug = slug.replace("--", "-")
    slug = slug.strip("-")
    if len(slug) > 40:
        slug = slug[:40].rsplit("-", 1)[0]
    return slug


def _join_fr(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _join_en(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _neq_scrambler(rng: random.Random):
    """A bijection of [0, 10**8): affine map, digit reversal, affine map (all bijective)."""
    modulus = 10**8
    a, c = 48_271_357, 69_069_421  # odd and not multiples of 5: invertible modulo 10**8
    b, d = rng.randrange(modulus), rng.randrange(modulus)

    def scramble(index: int) -> str:
        x = (index * a + b) % modulus
        x = int(f"{x:08d}"[::-1])
        return f"{(x * c + d) % modulus:08d}"

    return scramble


# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------


def _make_name(rnd, choice, legal_form, coop_type, accreditation, category, region, town):
    """Return (name, brand) where brand is the name without its legal prefix (used for the web slug)."""
    sector = category.sector
    if "integration" in accreditation and rnd() < 0.6:
        core = choice(_INTEGRATION_CORES)
    else:
        core = choice(_CORES_WITH_GENERIC[sector] if rnd() < 0.2 else _SECTOR_CORES[sector])
    if rnd() < 0.55:
        bare, of = town.name, town.of
    else:
        bare, of = choice(_REGION_PLACES[region])
    place = of if not bare or core.startswith(_ARTICLES) or rnd() < 0.4 else bare
    trade = category.trade

    if legal_form == "cooperative":
        special = _COOP_SPECIAL_PREFIXES.get((category.code, coop_type))
        roll = rnd()
        if special and roll < 0.5:
            prefix = special
        elif roll < 0.7:
            prefix = choice(_COOP_PREFIXES[coop_type])
        else:
            prefix = choice(_COOP_GENERIC_PREFIXES)
        form = rnd()
        brand = f"{core} {place}"
        if form < 0.5:
            return f"{prefix} {brand}", brand
        if form < 0.75 or not prefix.startswith("Coopérative de"):
            return f"{prefix} {core}", core
        return f"{core} {of}, {prefix[0].lower()}{prefix[1:]}", f"{core} {of}"

    # Non-profit
    roll = rnd()
    if "adapted" in accreditation and roll < 0.6:
        prefix = choice(_ADAPTED_PREFIXES)
    elif "integration" in accreditation and roll < 0.3:
        prefix = choice(_INTEGRATION_PREFIXES)
    elif category.code == "education.garde" and roll < 0.7:
        prefix = "CPE" if roll < 0.5 else "Centre de la petite enfance"
    elif roll < 0.25:
        prefix = choice(_NONPROFIT_PREFIXES)
    else:
        prefix = ""
    if prefix == "Atelier" and trade == "Atelier de couture":
        prefix = ""
    form = rnd()
    if prefix:
        if form < 0.55:
            brand = f"{core} {place}"
            return f"{prefix} {brand}", brand
        return f"{prefix} {core}", core
    if form < 0.4 or category.trade_lower in core.lower():
        brand = f"{core} {place}"
    elif form < 0.75:
        brand = f"{trade} {core}"
    else:
        brand = f"{trade} {core} {of}"
    return brand, brand


def generate_suppliers(count: int = 320, *, seed: int = 2026, status: str = "published") -> Iterator[dict]:
    """Yield ``count`` demo suppliers, deterministic for a given ``(count, seed)``.

    Each dict has the supplier CSV columns (all str) plus ``offerings``: a list of 1 to 4
    ``{"title", "description", "category"}`` dicts. The first rows cycle through all 17 regions and all
    13 sectors; later rows follow ``REGION_WEIGHTS`` and ``SECTOR_WEIGHTS``.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if count > 10**8:
        raise ValueError("count must be at most 100,000,000 (the NEQ space of one prefix)")

    rng = random.Random(seed)
    rnd = rng.random
    choice = rng.choice
    scramble = _neq_scrambler(rng)
    seen_names: set[str] = set()

    categories_by_code = _CATEGORIES
    region_pick = _REGION_PICK
    region_sector_pick = _REGION_SECTOR_PICK
    sector_categories = _SECTOR_CATEGORIES
    n_anchors = len(_ANCHORS)

    for index in range(count):
        # --- head office, sector, main category, accreditation -----------------------------------
        if index < n_anchors:
            region, main_code, accreditation, forced_served = _ANCHORS[index]
            main = categories_by_code[main_code]
            sector = main.sector
            p_adapted, p_integration, p_coop = _SECTOR_PROFILE[sector]
        else:
            forced_served = ""
            region = region_pick.pick(rnd)
            sector = region_sector_pick[region].pick(rnd)
            main = sector_categories[sector].pick(rnd)
            p_adapted, p_integration, p_coop = _SECTOR_PROFILE[sector]
            roll = rnd()
            if roll < p_adapted:
                accreditation = "adapted;integration" if rnd() < 0.08 else "adapted"
            elif roll < p_adapted + p_integration:
                accreditation = "integration"
            else:
                accreditation = ""
            # Adapted enterprises in manufacturing are mostly contract packaging shops.
            if accreditation and sector == "fabrication" and rnd() < 0.5:
                main = categories_by_code["fabrication.assemblage"]

        if "integration" in accreditation or rnd() >= p_coop:
            legal_form, coop_type = "non_profit", ""
        else:
            legal_form = "cooperative"
            coop_type = _COOP_TYPE_PICK[sector].pick(rnd)

        # --- categories ---------------------------------------------------------------------------
        codes = [main.code]
        cats = [main]
        roll = rnd()
        wanted = 1 if roll < 0.35 else 2 if roll < 0.75 else 3
        attempts = 0
        while len(cats) < wanted and attempts < 6:
            attempts += 1
            if main.related and rnd() < 0.25:
                extra = categories_by_code[choice(main.related)]
            else:
                extra = sector_categories[sector].pick(rnd)
            if extra.code not in codes:
                codes.append(extra.code)
                cats.append(extra)

        # --- place --------------------------------------------------------------------------------
        town = _REGION_TOWNS[region].pick(rnd)
        info = _REGION_INFO[region]
        region_name, region_in, region_of = info[1], info[2], info[3]

        roll = rnd()
        if forced_served:
            served = forced_served.split(";")
            regions_served = forced_served
        elif roll < 0.10:
            served = ["*"]
            regions_served = "*"
        else:
            neighbours = ADJACENT_REGIONS[region]
            extra_count = 0 if roll < 0.42 else 1 if roll < 0.70 else 2 if roll < 0.88 else 3
            extra_count = min(extra_count, len(neighbours))
            served = sorted([region, *rng.sample(neighbours, extra_count)]) if extra_count else [region]
            regions_served = ";".join(served)

        # --- name ---------------------------------------------------------------------------------
        name, brand = _make_name(rnd, choice, legal_form, coop_type, accreditation, main, region, town)
        if index < NAME_MEMORY:
            tries = 0
            while name in seen_names and tries < 3:
                tries += 1
                name, brand = _make_name(
                    rnd, choice, legal_form, coop_type, accreditation, main, region, town
                )
            if name in seen_names and town.name not in name:
                name, brand = f"{name} ({town.name})", f"{brand} {town.name}"
            number = 2
            base_name, base_brand = name, brand
            while name in seen_names:
                name, brand = f"{base_name} {number}", f"{base_brand} {number}"
                number += 1
            seen_names.add(name)
        else:
            # Past the memory window every name carries its row number: unique without remembering.
            name, brand = f"{name} {index + 1}", f"{brand} {index + 1}"

        # --- descriptions ---------------------------------------------------------------------------
        if "adapted" in accreditation and legal_form == "non_profit":
            legal = _LEGAL_PHRASES["adapted"]
        elif "integration" in accreditation:
            legal = _LEGAL_PHRASES["integration"]
        elif legal_form == "cooperative":
            legal = _LEGAL_PHRASES[coop_type]
        else:
            legal = choice(_NONPROFIT_PHRASES)
        legal_fr, legal_bare, masculine, legal_en = legal
        year = 1978 + int(rnd() * 45)
        same_place = town.name == region_name
        region_clause = "" if same_place else ", " + region_in
        region_en = "" if same_place else f", in the {region_name} region"

        template = int(rnd() * 4)
        if "," in name:
            template = 2  # "Le Grenier du Fjord, coopérative de travail": keep the name out of the sentence
        elif template == 3 and name.startswith(legal_bare):
            template = 0
        if template == 0:
            s1_fr = f"{name} est {legal_fr} {'établi' if masculine else 'établie'} {town.at}{region_clause}."
            s1_en = f"{name} is {legal_en} based in {town.name}{region_en}."
        elif template == 1:
            of_clause = "" if same_place else " et " + region_of
            s1_fr = f"Depuis {year}, {name} sert les organisations {town.of}{of_clause}."
            across = "" if same_place else f" and across the {region_name} region"
            s1_en = f"Since {year}, {name} has served organisations in {town.name}{across}."
        elif template == 2:
            s1_fr = (
                f"Nous sommes {legal_fr} {'établi' if masculine else 'établie'} {town.at}{region_clause}, "
                f"en activité depuis {year}."
            )
            s1_en = f"We are {legal_en} based in {town.name}{region_en}, operating since {year}."
        else:
            s1_fr = (
                f"{legal_bare} {'fondé' if masculine else 'fondée'} en {year}, {name} a son siège "
                f"{town.at}{region_clause}."
            )
            s1_en = (
                f"{legal_en[0].upper()}{legal_en[1:]} founded in {year}, {name} has its head office in "
                f"{town.name}{region_en}."
            )

        act_fr, act_en = choice(_ACTIVITY_TEMPLATES)
        if len(cats) == 1:
            s2_fr = act_fr.format(main.fr)
            s2_en = act_en.format(main.en)
        else:
            s2_fr = act_fr.format(f"{main.fr}, ainsi que {_join_fr([c.short_fr for c in cats[1:]])}")
            s2_en = act_en.format(f"{main.en}, as well as {_join_en([c.short_en for c in cats[1:]])}")

        if "adapted" in accreditation:
            mission = choice(_MISSIONS["adapted"])
        elif "integration" in accreditation:
            mission = choice(_MISSIONS["integration"])
        else:
            mission = choice(_MISSIONS[coop_type or "non_profit"])
        # Only the second template leaves the legal form unsaid; otherwise use the mission's short form.
        mission_fr, mission_en = (mission[0], mission[1]) if template == 1 else (mission[2], mission[3])
        if rnd() < 0.7:
            sentences_fr, sentences_en = [s1_fr, s2_fr, mission_fr], [s1_en, s2_en, mission_en]
        else:
            sentences_fr, sentences_en = [s1_fr, mission_fr, s2_fr], [s1_en, mission_en, s2_en]
        if accreditation == "adapted;integration":
            extra = choice(_MISSIONS["integration"])
            sentences_fr.append(extra[0])
            sentences_en.append(extra[1])
        else:
            roll = rnd()
            if regions_served == "*":
                sentences_fr.append("Nous desservons l'ensemble du Québec.")
                sentences_en.append("We serve all of Québec.")
            elif len(served) > 1 and roll < 0.6:
                others = [_REGION_INFO[code] for code in served if code != region]
                sentences_fr.append(f"Nous desservons aussi {_join_fr([row[4] for row in others])}.")
                sentences_en.append(f"We also serve {_join_en([row[1] for row in others])}.")
            elif roll < 0.5:
                buyer = choice(_BUYER_SENTENCES)
                sentences_fr.append(buyer[0])
                sentences_en.append(buyer[1])
        description_fr = " ".join(sentences_fr)
        description_en = " ".join(sentences_en) if rnd() < 0.4 else ""

        # --- contact ----------------------------------------------------------------------------------
        slug = _slug(brand)
        domain = f"{slug}.qc.ca"
        website = f"https://www.{domain}" if rnd() >= 0.15 else ""
        email = f"{choice(_EMAIL_LOCALS)}@{domain}" if rnd() >= 0.10 else ""
        area_main, area_overlay = _AREA_CODES[region]
        phone = f"{area_main if rnd() < 0.8 else area_overlay} 555-01{int(rnd() * 100):02d}"
        address = (
            f"{1 + int(rnd() * 3999)}, {choice(_STREET_TYPES)} {choice(_STREET_NAMES)}{choice(_DIRECTIONS)}"
        )
        if rnd() < 0.15:
            address += f", bureau {100 * (1 + int(rnd() * 4)) + int(rnd() * 20)}"
        postal_code = f"{choice(town.fsas)} {int(rnd() * 10)}{choice(_POSTAL_LETTERS)}{int(rnd() * 10)}"

        # --- offerings --------------------------------------------------------------------------------
        roll = rnd()
        n_offerings = max(len(cats), 1 if roll < 0.3 else 2 if roll < 0.65 else 3 if roll < 0.9 else 4)
        offerings = []
        used = set()
        position = 0
        guard = 0
        while len(offerings) < n_offerings and guard < 12:
            guard += 1
            cat = cats[position] if position < len(cats) else choice(cats)
            position += 1
            title, text = choice(cat.offerings)
            if title in used:
                continue
            used.add(title)
            offerings.append({"title": title, "description": text, "category": cat.code})

        roll = rnd()
        neq_prefix = "11" if roll < 0.45 else "33" if roll < 0.85 else "22" if roll < 0.95 else "88"

        yield {
            "neq": neq_prefix + scramble(index),
            "name": name,
            "legal_form": legal_form,
            "coop_type": coop_type,
            "accreditations": accreditation,
            "description_fr": description_fr,
            "description_en": description_en,
            "website": website,
            "email": email,
            "phone": phone,
            "address": address,
            "city": town.name,
            "postal_code": postal_code,
            "head_office_region": region,
            "regions_served": regions_served,
            "categories": ";".join(codes),
            "status": status,
            "offerings": offerings,
        }


# How long ago demo listings were last verified by staff: about 15 % never, the others mostly within two years.
VERIFICATION_AGE_BANDS = [
    (0.15, None),  # never verified
    (0.50, (1, 182)),  # under 6 months
    (0.75, (183, 365)),  # 6 to 12 months
    (0.92, (366, 730)),  # 12 to 24 months
    (1.00, (731, 1460)),  # 2 to 4 years
]


def verification_age_days(neq: str, *, seed: int = 2026) -> int | None:
    """Days since the demo listing ``neq`` was last verified, or None if never; deterministic per NEQ and seed
    (independent of the generator's own random sequence)."""
    rng = random.Random(f"{seed}:{neq}")
    roll = rng.random()
    for limit, days in VERIFICATION_AGE_BANDS:
        if roll < limit:
            return None if days is None else rng.randint(*days)
    return None
