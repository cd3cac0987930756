"""The first French texts of the pages a public site owes, which curators then edit in the
admin (Pages simples). Written once by a data migration; `install_default_pages()` is also
what tests call after a flush."""

from urllib.parse import urlsplit

from django.conf import settings

ABOUT = """<p>Impact Alliances est le catalogue public des alliances qui mettent en œuvre
l'ODD 17 « Partenariats pour la réalisation des objectifs » en France : des partenariats
entre associations, entreprises, collectivités, fondations, acteurs publics, chercheurs et
citoyens. L'Observatoire des partenariats en a recensé plus de 1 000 entre 2018 et 2022 ;
ce site permet de les chercher, de les lire, de les partager et de les réutiliser.</p>

<h2>Les quatre objectifs de « faire alliance »</h2>
<ol>
  <li><strong>Concilier performance et engagement</strong> : l'alliance sert à la fois le
  projet de chaque partenaire et l'intérêt général.</li>
  <li><strong>Équilibrer les modèles socio-économiques</strong> : elle diversifie les
  ressources et partage les risques entre les partenaires.</li>
  <li><strong>Innover</strong> : elle invente des réponses que personne n'aurait trouvées
  seul.</li>
  <li><strong>Co-construire localement</strong> : elle réunit les acteurs d'un territoire
  autour d'un besoin qu'ils partagent.</li>
</ol>

<h2>Comment les exemples sont choisis et vérifiés</h2>
<p>Un exemple entre au catalogue quand il réunit au moins deux acteurs de natures
différentes autour d'un projet situé dans un territoire. Il est proposé par les réseaux
partenaires, par l'équipe de l'Observatoire ou par le public (« Proposer un exemple »).
Chaque proposition reste un brouillon invisible tant qu'un curateur ne l'a pas relue,
complétée et vérifiée auprès des porteurs ; la date de la dernière vérification figure sur
chaque fiche.</p>
"""

LEGAL = """<h2>Éditeur</h2>
<p>Ce site est édité par l'Observatoire des partenariats, qui en est le directeur de la
publication. Pour toute question : voir la page <a href="/contact/">Contact</a>.</p>

<h2>Contenus et données</h2>
<p>Les fiches d'exemples sont publiées sous la {licence}. Les territoires proviennent du
Code officiel géographique de l'INSEE (via @etalab/decoupage-administratif, licence MIT).</p>

<h2>Données personnelles</h2>
<p>Le site ne dépose aucun cookie de mesure d'audience. L'adresse électronique laissée dans
le formulaire « Proposer un exemple » sert uniquement à répondre à son auteur : elle n'est
jamais publiée ni exportée, et elle est supprimée à sa demande.</p>
"""

ACCESSIBILITY = """<p>L'Observatoire des partenariats s'engage à rendre ce site accessible
conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.</p>

<h2>État de conformité</h2>
<p>Le site public est <strong>partiellement conforme</strong> au référentiel général
d'amélioration de l'accessibilité (RGAA 4.1). Chaque page publique est vérifiée
automatiquement avec axe-core (règles WCAG 2.1 niveaux A et AA) : aucune non-conformité
grave ou critique n'est tolérée ; les parcours au clavier et l'affichage sur 320 pixels de
large sont testés. Aucun audit manuel complet n'a encore été mené.</p>

<h2>Contenus non accessibles</h2>
<ul>
  <li>Dans l'espace d'administration réservé aux curateurs, les listes à
  autocomplétion (select2) ne sont pas entièrement restituées par les lecteurs
  d'écran.</li>
  <li>Les fichiers téléchargés (CSV, Excel, OpenDocument) sont des données brutes, sans
  mise en forme structurée.</li>
</ul>

<h2>Retour d'information et contact</h2>
<p>Si vous ne pouvez pas accéder à un contenu ou à un service, écrivez-nous (page
<a href="/contact/">Contact</a>) : nous vous répondrons ou vous proposerons une
alternative accessible. Si cette réponse ne vous satisfait pas, vous pouvez saisir le
Défenseur des droits.</p>
"""

CONTACT = """<p>Une question sur un exemple, une correction à signaler, une difficulté
d'accès ? Écrivez à l'équipe de l'Observatoire des partenariats à l'adresse ci-dessous, en
indiquant la référence de l'exemple (IA-00042) s'il s'agit d'une fiche.</p>
<p>Vous connaissez une alliance qui devrait figurer ici ? Utilisez le formulaire
<a href="/proposer/">Proposer un exemple</a>.</p>
"""

DEFAULT_PAGES = {
    "/a-propos/": ("À propos", ABOUT),
    "/mentions-legales/": ("Mentions légales", LEGAL),
    "/accessibilite/": ("Déclaration d'accessibilité", ACCESSIBILITY),
    "/contact/": ("Contact", CONTACT),
}


def install_default_pages(flatpage_model=None, site_model=None):
    """Create each page that does not exist yet, on the current site; an edited page is kept."""
    if flatpage_model is None:
        from django.contrib.flatpages.models import FlatPage as flatpage_model
        from django.contrib.sites.models import Site as site_model
    domain = urlsplit(settings.SITE_URL).netloc
    site, _ = site_model.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Impact Alliances"}
    )
    for url, (title, content) in DEFAULT_PAGES.items():
        page, _created = flatpage_model.objects.get_or_create(
            url=url,
            defaults={"title": title, "content": content.format(licence=settings.DATA_LICENCE)},
        )
        page.sites.add(site)
