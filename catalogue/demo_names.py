"""Names for the fictitious actors of the demonstration data: each named after where it is
based, collectivités after the territory of their level, with French articles."""

from catalogue.choices import ActorType

# Département names that take "des" or "de la"; the others "du", or "de l'" before a vowel.
PLURAL = {
    "Alpes-de-Haute-Provence", "Hautes-Alpes", "Alpes-Maritimes", "Ardennes", "Bouches-du-Rhône",
    "Côtes-d'Armor", "Landes", "Pyrénées-Atlantiques", "Hautes-Pyrénées", "Pyrénées-Orientales",
    "Yvelines", "Deux-Sèvres", "Vosges", "Hauts-de-Seine", "Hauts-de-France",
}  # fmt: skip
FEMININE = {
    "Charente", "Charente-Maritime", "Corrèze", "Côte-d'Or", "Creuse", "Dordogne", "Drôme",
    "Corse-du-Sud", "Haute-Corse", "Haute-Garonne", "Gironde", "Loire", "Haute-Loire",
    "Loire-Atlantique", "Lozère", "Manche", "Marne", "Haute-Marne", "Mayenne", "Meuse",
    "Moselle", "Nièvre", "Haute-Saône", "Saône-et-Loire", "Sarthe", "Savoie", "Haute-Savoie",
    "Seine-Maritime", "Seine-et-Marne", "Seine-Saint-Denis", "Somme", "Vendée", "Vienne",
    "Haute-Vienne", "Guadeloupe", "Martinique", "Guyane", "Meurthe-et-Moselle", "Bretagne",
    "Normandie", "Corse", "Occitanie", "Nouvelle-Aquitaine", "Bourgogne-Franche-Comté",
}  # fmt: skip
NO_ARTICLE = {"Paris", "Mayotte", "La Réunion"}
ELIDED = {"Hérault"}  # a silent h; "Haute-…" and "Hauts-…" keep theirs
VOWELS = "AEIOUYÉÈÎ"


def of(name: str) -> str:
    """'du Finistère', 'de la Gironde', 'de l'Ain', 'des Landes', 'de Paris'."""
    if name in NO_ARTICLE:
        return f"de {name}"
    if name in PLURAL:
        return f"des {name}"
    if (name[0] in VOWELS and not name.startswith("Yv")) or name in ELIDED:
        return f"de l'{name}"
    if name in FEMININE:
        return f"de la {name}"
    return f"du {name}"


WORDS = [
    "Horizon", "Trait d'union", "Cap", "Racines", "Élan", "Passerelle", "Ricochet", "Boussole",
    "Archipel", "Sillon", "Envol", "Tisserands", "Relais", "Semeurs", "Lucioles", "Ancrage",
    "Courte Échelle", "Petits Pas", "Grand Large", "Mosaïque", "Bouts de ficelle", "Ruche",
]  # fmt: skip
SURNAMES = [
    "Martin", "Bernard", "Lefèvre", "Moreau", "Garnier", "Chevalier", "Roussel", "Perrin",
    "Marchand", "Blanchard", "Guérin", "Baron", "Lemoine", "Carré", "Renaud", "Fabre",
]  # fmt: skip

# {w} a word, {s} a surname; {commune}, {of_dept}, {dept}, {region}: where the actor is.
NAMES = {
    ActorType.ASSOCIATION: [
        "Association {w}", "{w} — association de {commune}", "Les Amis de {commune}",
        "Régie de quartier de {commune}", "Centre social {w}", "Épicerie sociale de {commune}",
        "Association départementale {w} {of_dept}",
    ],
    ActorType.ENTREPRISE: [
        "{s} et Fils", "Transports {s}", "Scop {w}", "{w} Services", "Menuiserie {s}",
        "Imprimerie de {commune}", "Laiterie {s}", "Atelier {w}", "{s} Énergies",
    ],
    ActorType.FONDATION: [
        "Fondation {w}", "Fondation d'entreprise {s}", "Fonds de dotation {w} {of_dept}",
    ],
    ActorType.ETAT: [
        "Préfecture {of_dept}", "Direction départementale de l'emploi, du travail et des "
        "solidarités {of_dept}", "Agence régionale de santé — {region}",
    ],
    ActorType.SYNDICAT: [
        "Union départementale des syndicats {of_dept}", "Syndicat des artisans {of_dept}",
        "Union locale des salariés de {commune}",
    ],
    ActorType.ACCOMPAGNEMENT: [
        "Maison de l'emploi de {commune}", "Mission locale de {commune}", "Incubateur {w}",
        "Pépinière d'entreprises de {commune}", "Réseau d'entrepreneurs {w} {of_dept}",
    ],
    ActorType.ACADEMIQUE: [
        "Laboratoire {w} de {commune}", "IUT de {commune}", "Institut de recherche {w}",
        "Chaire {w} — université de {region}",
    ],
    ActorType.CITOYENS: [
        "Collectif d'habitants de {commune}", "Conseil citoyen de {commune}",
        "Amicale des locataires {w}", "Groupe citoyen {w}",
    ],
}  # fmt: skip
COMMUNE_COUNCILS = ["Mairie {of_commune}", "Ville {of_commune}"]


def of_commune(name: str) -> str:
    """'de Bailleul', 'du Mans' (Le Mans), 'des Herbiers', 'de La Rochelle', 'd'Arras'."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name[0] in VOWELS:
        return f"d'{name}"
    return f"de {name}"


def actor_name(rng, actor_type, *, commune, dept, region) -> str:
    """A name for a non-public-authority actor based in `commune` (collectivités: see
    `collectivite_name`)."""
    return rng.choice(NAMES[actor_type]).format(
        w=rng.choice(WORDS),
        s=rng.choice(SURNAMES),
        commune=commune,
        of_dept=of(dept),
        dept=dept,
        region=region,
    )


def collectivite_name(rng, level, *, commune, dept, region) -> str:
    """The collectivité of a level of the example's territory: a commune's "Mairie de …", a
    département's "Conseil départemental du …", a région's "Région …"."""
    if level == "commune":
        return rng.choice(COMMUNE_COUNCILS).format(of_commune=of_commune(commune))
    if level == "departement":
        return f"Conseil départemental {of(dept)}"
    return f"Région {region}"
