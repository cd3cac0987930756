"""The search relevance corpus: fixed, realistic French alliance examples with traps.

`tests/test_search_relevance.py` runs its queries against these examples; queries name
examples by their `key`, never by id. Every example sets its own summary and territory so
that nothing comes from the factories' defaults (whose summary says "partenariat local").

Traps kept on purpose, with the queries they guard:
- écologie, écologique, écolieu next to école, écoles, vélo-école ("ecole");
- an actor named « La Boussole » and a title with « boussole » ("boussole" is no typo of école);
- Transport, Transports, Passeport next to Sport (substring matches);
- artisans, artisanat, partenariat, quartier next to art, arts (substring matches);
- Mécénat examples in and outside Bretagne, a Mécénat example in Nantes (Pays de la Loire),
  a non-Mécénat example in Brest, « mécénat » only written in one description;
- Amiens and Arras (Hauts-de-France, not Nord), Caen (Normandie) next to Lille, Roubaix,
  Dunkerque (Nord); Rennes (Ille-et-Vilaine) and Lille (Hauts-de-France) next to
  Île-de-France;
- a Recyclerie next to the Ressourceries; jardin and jardins, but no « jardinage » (which
  Snowball stems apart from jardin: no person would call that a miss);
- apostrophes (l'emploi, d'insertion, l'école), hyphens (tiers-lieu, vélo-école,
  Île-de-France), œ (cœur, main-d'œuvre), ü (Emmaüs);
- a partner name found only among the partners (Emmaüs Connect, La Boussole), words found
  only in a description (permaculture, réemploi);
- ODD 1, 2 and 3 on one example (no "13" in its document);
- drafts and archives that would match most queries.

No example carries ODD 17: its official title ("mettre en œuvre le Partenariat mondial…")
would make "oeuvre" and "partenariat" match whether or not the search indexes long ODD
titles, and the set must give one answer either way.
"""

from dataclasses import dataclass

from catalogue.choices import ActorType, ExampleStatus, PartnerRole

# Communes used, with their département and région (checked against the reference data by
# test_corpus_territories_match_the_reference_data).
COMMUNES = {
    "commune-59350": ("Lille", "departement-59", "region-32"),
    "commune-59512": ("Roubaix", "departement-59", "region-32"),
    "commune-59183": ("Dunkerque", "departement-59", "region-32"),
    "commune-80021": ("Amiens", "departement-80", "region-32"),
    "commune-62041": ("Arras", "departement-62", "region-32"),
    "commune-35238": ("Rennes", "departement-35", "region-53"),
    "commune-35288": ("Saint-Malo", "departement-35", "region-53"),
    "commune-29019": ("Brest", "departement-29", "region-53"),
    "commune-29232": ("Quimper", "departement-29", "region-53"),
    "commune-29151": ("Morlaix", "departement-29", "region-53"),
    "commune-56260": ("Vannes", "departement-56", "region-53"),
    "commune-22278": ("Saint-Brieuc", "departement-22", "region-53"),
    "commune-44109": ("Nantes", "departement-44", "region-52"),
    "commune-75056": ("Paris", "departement-75", "region-11"),
    "commune-93066": ("Saint-Denis", "departement-93", "region-11"),
    "commune-93048": ("Montreuil", "departement-93", "region-11"),
    "commune-13055": ("Marseille", "departement-13", "region-93"),
    "commune-69123": ("Lyon", "departement-69", "region-84"),
    "commune-38185": ("Grenoble", "departement-38", "region-84"),
    "commune-63113": ("Clermont-Ferrand", "departement-63", "region-84"),
    "commune-67482": ("Strasbourg", "departement-67", "region-44"),
    "commune-54395": ("Nancy", "departement-54", "region-44"),
    "commune-57463": ("Metz", "departement-57", "region-44"),
    "commune-51454": ("Reims", "departement-51", "region-44"),
    "commune-34172": ("Montpellier", "departement-34", "region-76"),
    "commune-31555": ("Toulouse", "departement-31", "region-76"),
    "commune-33063": ("Bordeaux", "departement-33", "region-75"),
    "commune-87085": ("Limoges", "departement-87", "region-75"),
    "commune-86194": ("Poitiers", "departement-86", "region-75"),
    "commune-14118": ("Caen", "departement-14", "region-28"),
    "commune-76540": ("Rouen", "departement-76", "region-28"),
    "commune-37261": ("Tours", "departement-37", "region-24"),
    "commune-45234": ("Orléans", "departement-45", "region-24"),
    "commune-21231": ("Dijon", "departement-21", "region-27"),
    "commune-25056": ("Besançon", "departement-25", "region-27"),
}

LILLE, ROUBAIX, DUNKERQUE = "commune-59350", "commune-59512", "commune-59183"
AMIENS, ARRAS = "commune-80021", "commune-62041"
RENNES, SAINT_MALO, BREST, QUIMPER = (
    "commune-35238",
    "commune-35288",
    "commune-29019",
    "commune-29232",
)
MORLAIX, VANNES, SAINT_BRIEUC = "commune-29151", "commune-56260", "commune-22278"
NANTES, PARIS, SAINT_DENIS, MONTREUIL = (
    "commune-44109",
    "commune-75056",
    "commune-93066",
    "commune-93048",
)
MARSEILLE, LYON, GRENOBLE, CLERMONT = (
    "commune-13055",
    "commune-69123",
    "commune-38185",
    "commune-63113",
)
STRASBOURG, NANCY, METZ, REIMS = "commune-67482", "commune-54395", "commune-57463", "commune-51454"
MONTPELLIER, TOULOUSE, BORDEAUX = "commune-34172", "commune-31555", "commune-33063"
LIMOGES, POITIERS, CAEN, ROUEN = "commune-87085", "commune-86194", "commune-14118", "commune-76540"
TOURS, ORLEANS, DIJON, BESANCON = "commune-37261", "commune-45234", "commune-21231", "commune-25056"


@dataclass(frozen=True)
class Partner:
    key: str
    name: str
    actor_type: str
    territory: str


@dataclass(frozen=True)
class Entry:
    """One example of the corpus: key, commune, start year, title, summary, then the rest.

    `partners` are actor keys; the first one carries the project.
    """

    key: str
    territory: str
    year: int
    title: str
    summary: str
    description: str = ""
    domains: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    odd: tuple[int, ...] = ()
    alliance: tuple[int, ...] = ()
    partners: tuple[str, ...] = ()
    status: str = ExampleStatus.PUBLIE

    @property
    def published(self):
        return self.status == ExampleStatus.PUBLIE

    @property
    def departement(self):
        return COMMUNES[self.territory][1]

    @property
    def region(self):
        return COMMUNES[self.territory][2]


A = ActorType
ACTORS = [
    Partner("ville_lille", "Ville de Lille", A.COLLECTIVITE, LILLE),
    Partner("parents_relais", "Association Parents Relais", A.ASSOCIATION, LILLE),
    Partner("opera_lille", "Opéra de Lille", A.ETAT, LILLE),
    Partner("habitants_fives", "Collectif des habitants de Fives", A.CITOYENS, LILLE),
    Partner("federation_batiment", "Fédération du bâtiment du Nord", A.SYNDICAT, LILLE),
    Partner("manufacture", "Manufacture Lainière", A.ENTREPRISE, ROUBAIX),
    Partner("ring_roubaix", "Boxing Club roubaisien", A.ASSOCIATION, ROUBAIX),
    Partner("lycee_maritime", "Lycée maritime de Dunkerque", A.ETAT, DUNKERQUE),
    Partner("breizh_numerique", "Breizh Numérique", A.ENTREPRISE, QUIMPER),
    Partner("banque_ouest", "Banque de l'Ouest", A.ENTREPRISE, RENNES),
    Partner("rennes_metropole", "Rennes Métropole", A.COLLECTIVITE, RENNES),
    Partner("boussole", "La Boussole", A.ASSOCIATION, RENNES),
    Partner("club_rennes_est", "Club Entreprises Rennes Est", A.ENTREPRISE, RENNES),
    Partner("ateliers_vilaine", "Les Ateliers de la Vilaine", A.ASSOCIATION, RENNES),
    Partner("brest_metropole", "Brest Métropole", A.COLLECTIVITE, BREST),
    Partner("ubo", "Université de Bretagne occidentale", A.ACADEMIQUE, BREST),
    Partner("chantier_rade", "Chantier naval de la Rade", A.ENTREPRISE, BREST),
    Partner("handi_voile", "Handi'Voile Brest", A.ASSOCIATION, BREST),
    Partner("ker_avel", "Fondation Ker Avel", A.FONDATION, SAINT_MALO),
    Partner("librairie_encre", "Librairie L'Encre de Mer", A.ENTREPRISE, SAINT_MALO),
    Partner("familles_rurales", "Familles Rurales du Morbihan", A.ASSOCIATION, VANNES),
    Partner("mutuelle_vilaine", "Mutuelle des Pays de Vilaine", A.ENTREPRISE, VANNES),
    Partner("estuaire_vivant", "Fondation Estuaire Vivant", A.FONDATION, NANTES),
    Partner("emmaus_connect", "Emmaüs Connect", A.ASSOCIATION, PARIS),
    Partner("assurances_horizon", "Groupe Assurances Horizon", A.ENTREPRISE, PARIS),
    Partner("fondation_possibles", "Fondation des Possibles", A.FONDATION, PARIS),
    Partner("plaine_commune", "Plaine Commune", A.COLLECTIVITE, SAINT_DENIS),
    Partner("fabrique_montreuil", "La Fabrique montreuilloise", A.ASSOCIATION, MONTREUIL),
    Partner("rhone_sante", "Fondation Rhône Santé", A.FONDATION, LYON),
    Partner("cma_alsace", "Chambre de métiers et de l'artisanat d'Alsace", A.ETAT, STRASBOURG),
    Partner("eurometropole", "Eurométropole de Strasbourg", A.COLLECTIVITE, STRASBOURG),
    Partner("sillon", "Fondation Sillon", A.FONDATION, TOULOUSE),
    Partner("insa_toulouse", "Institut national des sciences appliquées", A.ACADEMIQUE, TOULOUSE),
    Partner("cci_moselle", "Chambre de commerce de la Moselle", A.ACCOMPAGNEMENT, METZ),
]

# Domain slugs (fixtures/domains.json), shortened for the table below.
EDU, EMPLOI, SANTE = "education-et-jeunesse", "emploi-et-insertion", "sante"
SOLIDARITES, ENV = "solidarites", "environnement-et-transition-ecologique"
ALIM, CULTURE, SPORT = "alimentation", "culture", "sport"
HABITAT, MOBILITE, NUMERIQUE = "habitat-et-cadre-de-vie", "mobilite", "numerique"
ECO_LOCALE, CITOYENNETE = "developpement-economique-local", "citoyennete-et-vie-associative"
HANDICAP, EGALITE = "handicap", "egalite-femmes-hommes"
# Partnership type slugs (fixtures/partnership_types.json).
MECENAT, PRATIQUES = "mecenat", "pratiques-responsables"
COOPERATION, INNOVATION = "cooperation-economique", "innovation-societale"
DRAFT, ARCHIVED = ExampleStatus.BROUILLON, ExampleStatus.ARCHIVE

E = Entry
# fmt: off
EXAMPLES = [
    # --- École and its look-alikes ---------------------------------------------------------------
    E("ecole_ouverte", LILLE, 2019,
      "École ouverte sur le quartier",
      "Le soir, les parents retrouvent la cour pour des ateliers de français et de cuisine.",
      domains=(EDU,), odd=(4,), alliance=(4,), partners=("ville_lille", "parents_relais")),
    E("ecoles_tablettes", QUIMPER, 2021,
      "Des tablettes pour les écoles rurales du Finistère",
      "Une entreprise de Quimper prête et entretient le matériel de douze classes.",
      domains=(EDU, NUMERIQUE), types=(MECENAT,), odd=(4,), partners=("breizh_numerique",)),
    E("ecole_musique", ROUBAIX, 2018,
      "Une école de musique dans l'ancienne filature",
      "Les ouvriers d'hier et les enfants d'aujourd'hui partagent les instruments prêtés.",
      domains=(CULTURE,), types=(MECENAT,), partners=("manufacture",)),
    E("classe_dehors", MONTPELLIER, 2023,
      "La classe dehors",
      "Les élèves de l'école Jules-Ferry font cours au parc deux matinées par semaine.",
      domains=(EDU,), odd=(4,)),
    E("tutorat_lyceens", TOULOUSE, 2023,
      "Tutorat entre étudiants et lycéens",
      "Des étudiants ingénieurs accompagnent des lycéens de quartiers prioritaires.",
      description="Né dans une école d'ingénieurs qui voulait diversifier ses recrues.",
      domains=(EDU,), odd=(4, 10), partners=("insa_toulouse", "fondation_possibles")),
    E("jardin_ecole", MONTPELLIER, 2020,
      "Un jardin à l'école Jean-Macé",
      "Les enfants cultivent des légumes avec les jardiniers de la ville.",
      domains=(EDU, ALIM), alliance=(4,)),
    E("velo_ecole", STRASBOURG, 2019,
      "Vélo-école pour adultes",
      "Des cyclistes bénévoles apprennent à rouler aux adultes qui n'ont jamais pédalé.",
      domains=(MOBILITE,)),
    E("ecoles_renovees", NANTES, 2017,
      "Écoles rénovées par des chantiers jeunes",
      "Des jeunes en insertion repeignent les classes pendant les vacances d'été.",
      domains=(EDU, EMPLOI)),
    E("ecolieu", MORLAIX, 2016,
      "L'écolieu des monts d'Arrée",
      "Un lieu de vie et de formation à l'écoconstruction, ouvert aux chantiers participatifs.",
      domains=(ENV, HABITAT)),
    E("ecologie_entreprises", BREST, 2022,
      "Transition écologique des entreprises brestoises",
      "Un club d'entreprises et l'université mesurent puis réduisent leur empreinte carbone.",
      domains=(ENV,), types=(PRATIQUES,), odd=(13,), alliance=(3,),
      partners=("brest_metropole", "ubo")),
    E("ecologie_urbaine", PARIS, 2021,
      "Écologie urbaine : des toits végétalisés",
      "Des bailleurs sociaux et une jeune pousse couvrent de plantes les toits d'immeubles.",
      domains=(ENV, HABITAT), types=(INNOVATION,), odd=(11, 13)),
    E("chantier_ecologique", RENNES, 2017,
      "Chantier écologique d'insertion sur les berges",
      "Des personnes éloignées de l'emploi restaurent les rives avec des techniques végétales.",
      domains=(EMPLOI, ENV), types=(COOPERATION,), odd=(8, 15),
      partners=("ateliers_vilaine", "rennes_metropole")),
    # --- Boussole: a word, and an actor's name ---------------------------------------------------
    E("boussole_orientation", RENNES, 2022,
      "Une boussole pour l'orientation des collégiens",
      "Des salariés bénévoles aident les élèves de troisième à trouver leur stage.",
      domains=(EDU,), odd=(4,), partners=("club_rennes_est",)),
    E("cafe_aidants", VANNES, 2019,
      "Café des aidants de Vannes",
      "Un rendez-vous mensuel pour souffler et s'informer entre proches de malades.",
      domains=(SANTE, SOLIDARITES), odd=(3,), partners=("boussole", "mutuelle_vilaine")),
    E("toit_apprentis", RENNES, 2016,
      "Un toit pour les apprentis",
      "Des chambres chez l'habitant pour les jeunes qui se forment loin de chez eux.",
      domains=(HABITAT,), partners=("boussole", "rennes_metropole")),
    # --- Transport, passeport, sport -------------------------------------------------------------
    E("transport_solidaire", VANNES, 2019,
      "Transport solidaire en Centre-Bretagne",
      "Des bénévoles conduisent les personnes âgées chez le médecin ou au marché.",
      domains=(MOBILITE, SOLIDARITES), types=(INNOVATION,), partners=("familles_rurales",)),
    E("transports_nuit", AMIENS, 2020,
      "Transports à la demande pour les salariés de nuit",
      "Une navette partagée entre trois entreprises de la zone industrielle.",
      domains=(MOBILITE, EMPLOI), types=(COOPERATION,), odd=(8,)),
    E("passeport_numerique", LILLE, 2021,
      "Passeport numérique pour les seniors",
      "Des volontaires en service civique initient les aînés aux démarches en ligne.",
      domains=(NUMERIQUE, SOLIDARITES), odd=(10,), partners=("emmaus_connect", "ville_lille")),
    E("sport_coeur_quartier", SAINT_DENIS, 2022,
      "Le sport au cœur du quartier",
      "Un club de football et une entreprise du bâtiment ouvrent le stade aux habitants.",
      domains=(SPORT, CITOYENNETE), types=(MECENAT,), partners=("plaine_commune",)),
    E("sport_sante", LYON, 2018,
      "Sport santé en entreprise",
      "Une mutuelle et un club d'athlétisme proposent des séances aux salariés sédentaires.",
      domains=(SPORT, SANTE), types=(PRATIQUES,), odd=(3,)),
    E("sports_filles", MARSEILLE, 2023,
      "Des sports collectifs pour les filles",
      "Basket et handball gratuits le mercredi pour les collégiennes des quartiers prioritaires.",
      domains=(SPORT, EGALITE), odd=(5,)),
    E("ring_solidaire", ROUBAIX, 2017,
      "Ring solidaire : la boxe pour se remettre en selle",
      "Un club de boxe et une entreprise d'insertion accompagnent des jeunes sans diplôme.",
      domains=(SPORT, EMPLOI), partners=("ring_roubaix",)),
    E("savoir_nager", TOULOUSE, 2021,
      "Savoir nager avant la sixième",
      "Les maîtres-nageurs d'un centre aquatique privé accueillent les classes de CM2.",
      domains=(SPORT, EDU)),
    # --- Art, and the words that contain it ------------------------------------------------------
    E("art_rue", MARSEILLE, 2019,
      "L'art dans la rue à Marseille",
      "Des artistes et un bailleur transforment les façades des cités en galerie à ciel ouvert.",
      domains=(CULTURE, HABITAT), types=(MECENAT,)),
    E("arts_hopital", LYON, 2020,
      "Arts plastiques à l'hôpital des enfants",
      "Des plasticiens animent des ateliers dans les chambres des jeunes patients.",
      domains=(CULTURE, SANTE), types=(MECENAT,), odd=(3,), partners=("rhone_sante",)),
    E("artisans_apprentis", STRASBOURG, 2016,
      "Les artisans forment les apprentis",
      "Boulangers, menuisiers et plombiers ouvrent leurs ateliers à des jeunes sans diplôme.",
      domains=(EMPLOI, ECO_LOCALE), types=(COOPERATION,), odd=(8,), partners=("cma_alsace",)),
    E("partenariat_quartier", NANTES, 2018,
      "Un partenariat de quartier pour la propreté",
      "Commerçants, bailleur et régie de quartier organisent le ramassage des encombrants.",
      domains=(HABITAT,), types=(PRATIQUES,)),
    E("residence_ecrivains", CAEN, 2022,
      "Résidence d'écrivains au collège",
      "Une autrice passe l'année scolaire avec deux classes de quatrième.",
      description="Le projet fait entrer l'art du récit dans les cours de français.",
      domains=(CULTURE, EDU)),
    E("street_art", MONTREUIL, 2021,
      "Fresques de street art au tiers-lieu",
      "Des graffeurs encadrent des jeunes du voisinage pour décorer les murs.",
      domains=(CULTURE,), alliance=(4,), partners=("fabrique_montreuil",)),
    # --- Mécénat, in Bretagne and elsewhere ------------------------------------------------------
    E("mecenat_competences_rennes", RENNES, 2020,
      "Mécénat de compétences pour les associations rennaises",
      "Des salariés d'une banque donnent une journée par mois à des associations de quartier.",
      domains=(SOLIDARITES,), types=(MECENAT,), alliance=(1,), partners=("banque_ouest",)),
    E("voile_rade", BREST, 2018,
      "Une voile pour tous dans la rade",
      "Un chantier naval finance des sorties en mer pour des jeunes en situation de handicap.",
      domains=(HANDICAP,), types=(MECENAT,), odd=(10,), partners=("handi_voile", "chantier_rade")),
    E("livres_retraite", SAINT_MALO, 2022,
      "Des livres dans les maisons de retraite",
      "Une librairie et une fondation d'entreprise financent la lecture à voix haute.",
      domains=(CULTURE, SOLIDARITES), types=(MECENAT,), partners=("ker_avel", "librairie_encre")),
    E("chapelle_briochine", SAINT_BRIEUC, 2015,
      "Un fonds de dotation pour la chapelle",
      "Des entreprises briochines financent la restauration et accueillent des bénévoles.",
      domains=(CULTURE,), types=(MECENAT,), alliance=(2,)),
    E("opera_quartiers", LILLE, 2019,
      "L'opéra dans les centres sociaux",
      "Une entreprise de logistique finance des concerts gratuits près de chez les habitants.",
      domains=(CULTURE,), types=(MECENAT,), partners=("opera_lille", "ville_lille")),
    E("illectronisme", PARIS, 2021,
      "Mécénat de compétences contre l'illectronisme",
      "Des salariés d'un assureur forment des demandeurs d'emploi aux outils numériques.",
      domains=(NUMERIQUE, EMPLOI), types=(MECENAT,),
      partners=("emmaus_connect", "assurances_horizon")),
    E("estuaire", NANTES, 2020,
      "Une fondation d'entreprise pour l'estuaire",
      "Les salariés d'un port replantent les roselières de l'estuaire de la Loire.",
      domains=(ENV,), types=(MECENAT,), odd=(14, 15), partners=("estuaire_vivant",)),
    E("repas_solidaires", MARSEILLE, 2023,
      "Repas solidaires en cuisine centrale",
      "Un traiteur offre ses invendus et le temps de ses cuisiniers à une épicerie sociale.",
      domains=(ALIM, SOLIDARITES), types=(MECENAT,), odd=(2,)),
    E("musee_benevoles", BORDEAUX, 2018,
      "Des bénévoles d'entreprise au musée",
      "Les salariés d'un groupe bordelais guident les visites du dimanche.",
      domains=(CULTURE,), types=(MECENAT,)),
    E("meres_isolees", MONTREUIL, 2022,
      "Retour à l'emploi des mères isolées",
      "Crèche à horaires décalés et formation qualifiante, financées par trois entreprises.",
      domains=(EMPLOI, EGALITE), types=(MECENAT,), odd=(5, 8)),
    E("achats_hotellerie", BORDEAUX, 2020,
      "Achats solidaires dans l'hôtellerie",
      "Des hôtels achètent linge et savons à des ateliers protégés.",
      description="Du mécénat au départ, puis un contrat commercial entre hôtels et ateliers.",
      domains=(HANDICAP,), types=(COOPERATION,)),
    # --- Nord and its neighbours -----------------------------------------------------------------
    E("eolien_dunkerque", DUNKERQUE, 2022,
      "Former les techniciens de l'éolien en mer",
      "Un industriel et le lycée maritime créent une formation à la maintenance en mer.",
      domains=(EMPLOI,), odd=(7, 8), partners=("lycee_maritime",)),
    E("cantine_arras", ARRAS, 2019,
      "Des produits fermiers dans les collèges",
      "Les agriculteurs du département livrent les cuisines de quinze collèges.",
      domains=(ALIM,), types=(COOPERATION,), odd=(2,)),
    # --- Jardins ---------------------------------------------------------------------------------
    E("jardins_fives", LILLE, 2018,
      "Jardins partagés de Fives",
      "Des habitants et une entreprise voisine cultivent une ancienne friche industrielle.",
      domains=(ENV, ALIM, CITOYENNETE), alliance=(4,), partners=("habitants_fives", "ville_lille")),
    E("jardins_insertion", BREST, 2017,
      "Des jardins d'insertion autour de Brest",
      "Des maraîchers en insertion livrent des paniers aux salariés d'une entreprise voisine.",
      description="La parcelle est conduite en permaculture depuis sa création.",
      domains=(EMPLOI, ALIM), types=(COOPERATION,), partners=("brest_metropole",)),
    E("jardins_toits", PARIS, 2021,
      "Jardins sur les toits de Paris",
      "Un bailleur prête ses terrasses à une association de maraîchage urbain.",
      domains=(ENV, ALIM), types=(INNOVATION,)),
    E("jardin_hopital", TOULOUSE, 2020,
      "Un jardin thérapeutique à l'hôpital",
      "Soignants, patients et paysagistes ont dessiné des allées pour les malades d'Alzheimer.",
      domains=(SANTE,), odd=(3,), partners=("sillon",)),
    E("potagers_immeuble", GRENOBLE, 2016,
      "Potagers en pied d'immeuble",
      "Chaque résidence a désormais son jardin, entretenu par les locataires.",
      domains=(HABITAT,)),
    # --- Ressourceries and a recyclerie ----------------------------------------------------------
    E("ressourcerie_deux_rives", STRASBOURG, 2018,
      "La Ressourcerie des Deux Rives",
      "Collecte, réparation et revente d'objets par des salariés en insertion.",
      description="Le réemploi évite chaque année trois cents tonnes de déchets.",
      domains=(ENV, EMPLOI), types=(COOPERATION,), odd=(12,), partners=("eurometropole",)),
    E("ressourcerie_sport", LYON, 2021,
      "Une ressourcerie du sport",
      "Les clubs donnent leur matériel, des jeunes le réparent et le revendent à petit prix.",
      domains=(SPORT, ENV)),
    E("magasin_solidaire", DIJON, 2022,
      "Un magasin solidaire pour meubler les logements",
      "Un bailleur social et une association équipent les familles relogées.",
      description="Les meubles viennent de la ressourcerie voisine.",
      domains=(HABITAT, SOLIDARITES)),
    E("recyclerie_velos", GRENOBLE, 2019,
      "Recyclerie de vélos",
      "Des mécaniciens bénévoles remettent en état les vélos abandonnés.",
      domains=(MOBILITE, ENV)),
    # --- Emploi, insertion, apostrophes ----------------------------------------------------------
    E("tremplin_emploi", LILLE, 2020,
      "Un tremplin vers l'emploi des jeunes de Lille-Sud",
      "Des entreprises du bâtiment parrainent des jeunes sans qualification.",
      domains=(EMPLOI,), odd=(8,), partners=("ville_lille", "federation_batiment")),
    E("logistique_insertion", SAINT_DENIS, 2019,
      "Une entreprise d'insertion dans la logistique",
      "Un entrepôt confie le tri des colis à des salariés en parcours d'insertion.",
      domains=(EMPLOI,), types=(COOPERATION,), odd=(8,), partners=("plaine_commune",)),
    E("handicap_industrie", CLERMONT, 2021,
      "Handicap et emploi dans l'industrie",
      "Trois usines adaptent leurs postes avec un établissement spécialisé.",
      domains=(HANDICAP, EMPLOI), types=(PRATIQUES,), odd=(8, 10)),
    E("cuisine_refugies", MONTPELLIER, 2020,
      "Cuisine de rue et formation des réfugiés",
      "Un restaurant forme des personnes réfugiées aux métiers de la restauration.",
      domains=(ALIM, EMPLOI), odd=(8, 10)),
    # --- Tiers-lieux, cœur, œuvre ----------------------------------------------------------------
    E("tiers_lieu_gare", SAINT_BRIEUC, 2021,
      "Le tiers-lieu de la gare",
      "Une ancienne gare accueille un café associatif, un atelier de réparation et des bureaux.",
      domains=(CITOYENNETE, ECO_LOCALE), alliance=(4,)),
    E("tiers_lieu_numerique", LIMOGES, 2020,
      "Tiers-lieu numérique à Limoges",
      "Un fablab ouvert aux écoles, aux entreprises et aux demandeurs d'emploi.",
      domains=(NUMERIQUE, EDU), odd=(9,), alliance=(3,)),
    E("coeur_de_ville", POITIERS, 2019,
      "Redonner vie au cœur de ville",
      "Commerçants, municipalité et habitants rouvrent les vitrines vides du centre.",
      domains=(ECO_LOCALE, HABITAT), alliance=(4,)),
    E("main_d_oeuvre", BESANCON, 2023,
      "Main-d'œuvre locale pour la rénovation énergétique",
      "Un groupement d'artisans forme des demandeurs d'emploi à l'isolation des logements.",
      domains=(HABITAT, EMPLOI, ENV), types=(COOPERATION,), odd=(7, 8)),
    # --- Compost: one title, one summary, one description ----------------------------------------
    E("compost_immeubles", NANCY, 2016,
      "Compost partagé au pied des immeubles",
      "Les habitants déposent leurs épluchures dans des bacs suivis par un maître-composteur.",
      domains=(ENV, HABITAT)),
    E("cantines_zero_dechet", TOURS, 2020,
      "Cantines zéro déchet",
      "Les restes des repas deviennent du compost pour les maraîchers voisins.",
      domains=(ALIM, ENV, EDU), odd=(12,)),
    E("restaurants_gaspillage", REIMS, 2023,
      "Des restaurants engagés contre le gaspillage",
      "Des restaurateurs et une jeune pousse redistribuent les invendus.",
      description="Ce qui ne peut être donné part au compost d'une ferme de la Marne.",
      domains=(ALIM,)),
    # --- Climate, innovation, and the rest of the catalogue --------------------------------------
    E("sobriete_pme", METZ, 2022,
      "Sobriété énergétique des PME",
      "Une chambre consulaire et un bureau d'études conduisent vingt PME vers un bilan carbone.",
      domains=(ENV, ECO_LOCALE), types=(PRATIQUES,), odd=(7, 13), partners=("cci_moselle",)),
    E("epicerie_etudiante", CLERMONT, 2021,
      "Épicerie solidaire étudiante",
      "Des étudiants bénévoles tiennent une épicerie à prix libre avec des invendus.",
      domains=(ALIM, SOLIDARITES), odd=(1, 2, 3)),
    E("aide_devoirs", ORLEANS, 2020,
      "Aide aux devoirs en ligne",
      "Des salariés volontaires répondent chaque soir aux questions des collégiens.",
      domains=(EDU, NUMERIQUE), odd=(4,)),
    E("colocations", BORDEAUX, 2018,
      "Colocations intergénérationnelles",
      "Des retraités louent une chambre à des étudiants contre un peu de présence.",
      domains=(HABITAT, SOLIDARITES)),
    E("maraude", TOULOUSE, 2022,
      "Maraude sociale et hygiène",
      "Une laverie et une association proposent douches et lessives aux personnes à la rue.",
      domains=(SOLIDARITES,), odd=(1,)),
    E("bus_ruraux", LIMOGES, 2017,
      "Un bus pour les villages",
      "Une commune rurale et un transporteur privé partagent un minibus les jours de marché.",
      domains=(MOBILITE,), types=(COOPERATION,)),
    E("accueil_femmes", LYON, 2023,
      "Accueil de jour pour les femmes sans abri",
      "Un hôtel prête des locaux en journée à une association d'aide aux femmes.",
      domains=(SOLIDARITES, EGALITE), odd=(5,)),
    E("achats_cantines", RENNES, 2016,
      "Mutualiser les achats des cantines",
      "Les communes de la métropole groupent leurs commandes auprès des producteurs voisins.",
      domains=(ALIM,), types=(COOPERATION,), partners=("rennes_metropole",)),
    E("velo_travail", STRASBOURG, 2020,
      "À vélo au travail",
      "Des employeurs financent l'entretien des vélos de leurs salariés.",
      domains=(MOBILITE,), types=(PRATIQUES,), odd=(11,), partners=("eurometropole",)),
    E("bibliotheque_numerique", ROUEN, 2019,
      "Ateliers numériques en bibliothèque",
      "Des bibliothécaires et des salariés d'une entreprise de services animent des ateliers.",
      domains=(NUMERIQUE, CULTURE)),
    # --- Drafts and archives: they match many queries and must never appear ----------------------
    E("draft_jardins_ecole", RENNES, 2020,
      "Jardins d'école et mécénat sportif",
      "Brouillon : la Boussole et Emmaüs Connect préparent des jardins dans une école.",
      status=DRAFT, domains=(SPORT, EDU), types=(MECENAT,),
      partners=("boussole", "emmaus_connect")),
    E("archive_ressourcerie", SAINT_DENIS, 2020,
      "Ressourcerie et tiers-lieu de l'art",
      "Une ressourcerie d'Île-de-France devenue tiers-lieu pour l'art et le sport.",
      status=ARCHIVED, domains=(CULTURE, SPORT), types=(MECENAT,)),
    E("draft_transport_ecoles", LILLE, 2020,
      "Transport des écoles de Lille",
      "Un car scolaire partagé entre écoles, au cœur du Nord.",
      status=DRAFT, domains=(MOBILITE, EDU)),
    E("archive_art_bretagne", BREST, 2020,
      "Art et mécénat en Bretagne",
      "Brouillon archivé : arts de la rue, compost partagé et santé à Brest.",
      status=ARCHIVED, domains=(CULTURE, SANTE), types=(MECENAT,), odd=(13,),
      partners=("ker_avel",)),
    E("draft_boussole", RENNES, 2020,
      "La Boussole : nouveau projet d'école",
      "Brouillon sur les jardins, le climat et l'innovation, avec La Boussole.",
      status=DRAFT, domains=(ENV,), alliance=(3, 4), partners=("boussole",)),
]
# fmt: on

# --- Finding II: lieux et thèmes (catalogue.understanding) ------------------------------------
# Examples that only contain a place's name, beside the examples located there: a named place
# ranks its own examples first. Fay-de-Bretagne is in Pays de la Loire; Saint-Denis (974) is
# the other Saint-Denis with examples; a « savon de Marseille » made in Toulouse; a
# « Paris-Brest » baked in Brest.
FAY_DE_BRETAGNE, SAINT_DENIS_974 = "commune-44056", "commune-97411"
COMMUNES.update(
    {
        FAY_DE_BRETAGNE: ("Fay-de-Bretagne", "departement-44", "region-52"),
        SAINT_DENIS_974: ("Saint-Denis", "departement-974", "region-04"),
    }
)
# fmt: off
EXAMPLES += [
    E("verger_fay", FAY_DE_BRETAGNE, 2024,
      "Un verger conservatoire partagé",
      "Des habitants et un lycée agricole greffent les variétés anciennes de pommiers.",
      domains=(ALIM,)),
    E("paniers_vacoa", SAINT_DENIS_974, 2021,
      "Des paniers de vacoa tressés au Chaudron",
      "Une coopérative d'artisanes transmet le tressage aux habitantes du quartier.",
      domains=(CULTURE, ECO_LOCALE)),
    E("savon_marseille", TOULOUSE, 2024,
      "Du savon de Marseille fabriqué en Occitanie",
      "Un atelier protégé relance une savonnerie avec une chaîne de parfumeries.",
      domains=(HANDICAP,)),
    E("paris_brest", BREST, 2024,
      "Un Paris-Brest solidaire",
      "Des pâtissiers reversent une part de leurs ventes à une banque alimentaire.",
      domains=(ALIM, SOLIDARITES)),
]
# fmt: on

BY_KEY = {entry.key: entry for entry in EXAMPLES}
DRAFTS = {entry.key for entry in EXAMPLES if not entry.published}


def published(predicate) -> set[str]:
    """Keys of the published examples for which `predicate(entry)` holds."""
    return {entry.key for entry in EXAMPLES if entry.published and predicate(entry)}


def with_type(slug):
    return published(lambda e: slug in e.types)


def in_region(slug):
    return published(lambda e: e.region == slug)


def in_departement(slug):
    return published(lambda e: e.departement == slug)


def in_commune(slug):
    return published(lambda e: e.territory == slug)


def with_domain(slug):
    return published(lambda e: slug in e.domains)


def with_odd(number):
    return published(lambda e: number in e.odd)


def with_alliance_objective(number):
    return published(lambda e: number in e.alliance)


def with_partner_type(actor_type):
    types = {actor.key: actor.actor_type for actor in ACTORS}
    return published(lambda e: any(types[key] == actor_type for key in e.partners))


def build_corpus():
    """Create the actors and examples (through the factories); return {key: Example}."""
    from territoires.models import Territory

    from .factories import ActorFactory, ExampleFactory

    territories = {t.slug: t for t in Territory.objects.filter(slug__in=COMMUNES)}
    actors = {
        actor.key: ActorFactory(
            name=actor.name, actor_type=actor.actor_type, territory=territories[actor.territory]
        )
        for actor in ACTORS
    }
    examples = {}
    for entry in EXAMPLES:
        partners = [
            (actors[key], PartnerRole.PORTEUR if position == 0 else PartnerRole.PARTENAIRE)
            for position, key in enumerate(entry.partners)
        ]
        example = ExampleFactory(
            title=entry.title,
            summary=entry.summary,
            description=entry.description,
            status=entry.status,
            territory=territories[entry.territory],
            start_year=entry.year,
            domains=list(entry.domains),
            odd=list(entry.odd),
            alliance=list(entry.alliance),
            partners=partners,
            partnership_types=list(entry.types),
        )
        examples[entry.key] = example
    return examples
