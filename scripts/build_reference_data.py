#!/usr/bin/env python3
"""Regenerate the reference fixtures in fixtures/ (run by a maintainer, not at start-up).

    python scripts/build_reference_data.py [--source DIR]

Objectives, domains and partnership types are written from the tables below (official
French titles of the ODD and the UN colours). Territories are built from INSEE's Code
officiel géographique as published in the npm package @etalab/decoupage-administratif:
with --source, from an unpacked copy of it; without, `npm pack` fetches the pinned version.
"""

import argparse
import collections
import csv
import gzip
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
KEPT_ZONES = {"metro", "drom"}  # 18 régions, 101 départements; the COM are left out.

# (number, short name, official title, UN colour)
ODD = [
    (
        1,
        "Pas de pauvreté",
        "Éliminer la pauvreté sous toutes ses formes et partout dans le monde",
        "#E5243B",
    ),
    (
        2,
        "Faim « zéro »",
        "Éliminer la faim, assurer la sécurité alimentaire, améliorer la nutrition et promouvoir l'agriculture durable",
        "#DDA63A",
    ),
    (
        3,
        "Bonne santé et bien-être",
        "Permettre à tous de vivre en bonne santé et promouvoir le bien-être de tous à tout âge",
        "#4C9F38",
    ),
    (
        4,
        "Éducation de qualité",
        "Assurer l'accès de tous à une éducation de qualité, sur un pied d'égalité, et promouvoir les possibilités d'apprentissage tout au long de la vie",
        "#C5192D",
    ),
    (
        5,
        "Égalité entre les sexes",
        "Parvenir à l'égalité des sexes et autonomiser toutes les femmes et les filles",
        "#FF3A21",
    ),
    (
        6,
        "Eau propre et assainissement",
        "Garantir l'accès de tous à des services d'alimentation en eau et d'assainissement gérés de façon durable",
        "#26BDE2",
    ),
    (
        7,
        "Énergie propre et d'un coût abordable",
        "Garantir l'accès de tous à des services énergétiques fiables, durables et modernes, à un coût abordable",
        "#FCC30B",
    ),
    (
        8,
        "Travail décent et croissance économique",
        "Promouvoir une croissance économique soutenue, partagée et durable, le plein emploi productif et un travail décent pour tous",
        "#A21942",
    ),
    (
        9,
        "Industrie, innovation et infrastructure",
        "Bâtir une infrastructure résiliente, promouvoir une industrialisation durable qui profite à tous et encourager l'innovation",
        "#FD6925",
    ),
    (
        10,
        "Inégalités réduites",
        "Réduire les inégalités dans les pays et d'un pays à l'autre",
        "#DD1367",
    ),
    (
        11,
        "Villes et communautés durables",
        "Faire en sorte que les villes et les établissements humains soient ouverts à tous, sûrs, résilients et durables",
        "#FD9D24",
    ),
    (
        12,
        "Consommation et production responsables",
        "Établir des modes de consommation et de production durables",
        "#BF8B2E",
    ),
    (
        13,
        "Mesures relatives à la lutte contre les changements climatiques",
        "Prendre d'urgence des mesures pour lutter contre les changements climatiques et leurs répercussions",
        "#3F7E44",
    ),
    (
        14,
        "Vie aquatique",
        "Conserver et exploiter de manière durable les océans, les mers et les ressources marines aux fins du développement durable",
        "#0A97D9",
    ),
    (
        15,
        "Vie terrestre",
        "Préserver et restaurer les écosystèmes terrestres, en veillant à les exploiter de façon durable, gérer durablement les forêts, lutter contre la désertification, enrayer et inverser le processus de dégradation des sols et mettre fin à l'appauvrissement de la biodiversité",
        "#56C02B",
    ),
    (
        16,
        "Paix, justice et institutions efficaces",
        "Promouvoir l'avènement de sociétés pacifiques et ouvertes à tous aux fins du développement durable, assurer l'accès de tous à la justice et mettre en place, à tous les niveaux, des institutions efficaces, responsables et ouvertes à tous",
        "#00689D",
    ),
    (
        17,
        "Partenariats pour la réalisation des objectifs",
        "Renforcer les moyens de mettre en œuvre le Partenariat mondial pour le développement durable et le revitaliser",
        "#19486A",
    ),
]

ALLIANCE_OBJECTIVES = [
    (1, "Concilier performance et engagement", "Concilier performance et engagement", "#5B2C83"),
    (
        2,
        "Équilibrer les modèles socio-économiques",
        "Équilibrer les modèles socio-économiques",
        "#00695C",
    ),
    (3, "Innover", "Innover", "#B23A00"),
    (4, "Co-construire localement", "Co-construire localement", "#1F4E9C"),
]

PARTNERSHIP_TYPES = [
    (
        "mecenat",
        "Mécénat",
        "Soutien financier, en nature ou en compétences d'une entreprise ou d'une fondation à une cause d'intérêt général.",
    ),
    (
        "pratiques-responsables",
        "Pratiques responsables",
        "Partenariat qui fait évoluer les pratiques d'une organisation (achats, ressources humaines, environnement).",
    ),
    (
        "cooperation-economique",
        "Coopération économique",
        "Activité économique menée en commun : achats, sous-traitance, co-entreprise, mutualisation.",
    ),
    (
        "innovation-societale",
        "Innovation sociétale",
        "Réponse nouvelle, construite ensemble, à un besoin social ou environnemental.",
    ),
]

DOMAINS = [
    (
        "education-et-jeunesse",
        "Éducation et jeunesse",
        "Réussite scolaire, orientation, engagement des jeunes.",
    ),
    (
        "emploi-et-insertion",
        "Emploi et insertion",
        "Accès à l'emploi, insertion par l'activité économique, formation.",
    ),
    ("sante", "Santé", "Prévention, accès aux soins, santé mentale."),
    (
        "solidarites",
        "Solidarités",
        "Lutte contre la pauvreté et l'isolement, aide aux personnes fragiles.",
    ),
    (
        "environnement-et-transition-ecologique",
        "Environnement et transition écologique",
        "Climat, biodiversité, économie circulaire, énergie.",
    ),
    (
        "alimentation",
        "Alimentation",
        "Accès à une alimentation de qualité, agriculture durable, circuits courts.",
    ),
    ("culture", "Culture", "Accès à la culture, patrimoine, pratiques artistiques."),
    ("sport", "Sport", "Pratique sportive, sport-santé, inclusion par le sport."),
    (
        "habitat-et-cadre-de-vie",
        "Habitat et cadre de vie",
        "Logement, rénovation, espaces publics.",
    ),
    ("mobilite", "Mobilité", "Transports, mobilité solidaire et durable."),
    (
        "numerique",
        "Numérique",
        "Inclusion numérique, outils et données au service de l'intérêt général.",
    ),
    (
        "developpement-economique-local",
        "Développement économique local",
        "Création d'activité, commerce de proximité, revitalisation des territoires.",
    ),
    (
        "citoyennete-et-vie-associative",
        "Citoyenneté et vie associative",
        "Engagement citoyen, bénévolat, démocratie locale.",
    ),
    ("handicap", "Handicap", "Inclusion des personnes en situation de handicap."),
    (
        "egalite-femmes-hommes",
        "Égalité femmes-hommes",
        "Égalité professionnelle, lutte contre les violences.",
    ),
]


def write_json(name, records):
    path = FIXTURES / name
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(records)} enregistrements")


def build_catalogue_fixtures():
    objectives = [
        {
            "model": "catalogue.objective",
            "fields": {
                "family": family,
                "number": n,
                "short_name": short,
                "name": name,
                "color": color,
            },
        }
        for family, rows in (("odd", ODD), ("alliance", ALLIANCE_OBJECTIVES))
        for n, short, name, color in rows
    ]
    write_json("objectives.json", objectives)
    write_json(
        "domains.json",
        [
            {"model": "catalogue.domain", "fields": {"slug": s, "name": n, "description": d}}
            for s, n, d in DOMAINS
        ],
    )
    write_json(
        "partnership_types.json",
        [
            {
                "model": "catalogue.partnershiptype",
                "fields": {"slug": s, "name": n, "description": d},
            }
            for s, n, d in PARTNERSHIP_TYPES
        ],
    )


def fetch_package(workdir: Path) -> Path:
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    archive = next(workdir.glob("*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def slug(level, code):
    return f"{level}-{code}".lower()


def build_territories(source: Path):
    data = {
        name: json.loads((source / "data" / f"{name}.json").read_text())
        for name in ("regions", "departements", "communes", "epci", "ept")
    }
    meta = json.loads((source / "package.json").read_text())
    rows = [("pays", "FR", "France", "", "", "")]
    regions = [r for r in data["regions"] if r["zone"] in KEPT_ZONES]
    departements = [d for d in data["departements"] if d["zone"] in KEPT_ZONES]
    communes = [
        c
        for c in data["communes"]
        if c["type"] == "commune-actuelle" and c.get("zone") in KEPT_ZONES
    ]
    rows += [("region", r["code"], r["nom"], "pays-fr", "", "") for r in regions]
    rows += [
        ("departement", d["code"], d["nom"], slug("region", d["region"]), "", "")
        for d in departements
    ]
    commune_departement = {c["code"]: c["departement"] for c in communes}
    memberships = collections.defaultdict(list)
    for grouping in data["epci"] + data["ept"]:
        members = [m["code"] for m in grouping["membres"] if m["code"] in commune_departement]
        if not members:
            continue
        # An EPCI hangs under the département where most of its communes are.
        main_departement = collections.Counter(
            commune_departement[code] for code in members
        ).most_common(1)[0][0]
        rows.append(
            (
                "epci",
                grouping["code"],
                grouping["nom"],
                slug("departement", main_departement),
                grouping.get("populationTotale") or "",
                "",
            )
        )
        for code in members:
            memberships[code].append(slug("epci", grouping["code"]))
    rows += [
        (
            "commune",
            c["code"],
            c["nom"],
            slug("departement", c["departement"]),
            c.get("population") or "",
            ";".join(memberships.get(c["code"], [])),
        )
        for c in communes
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["level", "code", "name", "parent", "population", "member_of"])
    writer.writerows(rows)
    path = FIXTURES / "territories.csv.gz"
    # mtime=0 keeps the file byte-identical when the data does not change.
    with gzip.GzipFile(path, "wb", mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))
    counts = collections.Counter(row[0] for row in rows)
    (FIXTURES / "territories.source.json").write_text(
        json.dumps(
            {
                "package": meta["name"],
                "version": meta["version"],
                "license": meta["license"],
                "repository": meta.get("repository"),
                "content": "Code officiel géographique (INSEE), zones metro et drom",
                "counts": dict(counts),
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    shutil.copy(source / "LICENSE", FIXTURES / "LICENSE-decoupage-administratif.txt")
    print(f"{path.relative_to(ROOT)}: {dict(counts)} (source {meta['name']} {meta['version']})")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, help="dossier du paquet npm déjà décompressé")
    args = parser.parse_args()
    build_catalogue_fixtures()
    if args.source:
        build_territories(args.source)
        return
    with tempfile.TemporaryDirectory() as tmp:
        try:
            source = fetch_package(Path(tmp))
        except (OSError, subprocess.CalledProcessError) as error:
            sys.exit(f"Impossible de récupérer {PACKAGE}@{VERSION} avec npm : {error}")
        build_territories(source)


if __name__ == "__main__":
    main()
