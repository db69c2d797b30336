# ruff: noqa: RUF001 - French text takes the typographic apostrophe (U+2019), not a confusable
"""Default texts of a council's accessibility, legal and personal data pages.

They are the council's own publications, in French as French law asks of a local
authority's statements (loi n° 94-665 and the RGAA's model statement), not interface
strings: an administrator completes the bracketed placeholders and may rewrite them all.
`{conseil}` is replaced by the council's name.
"""

from council.councils.models import CouncilPage

ACCESSIBILITY = """\
{conseil} s’engage à rendre ses services en ligne accessibles conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.

Cette déclaration d’accessibilité s’applique à l’espace de participation en ligne de {conseil}.

État de conformité

L’espace de participation de {conseil} est partiellement conforme avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1, en raison des non-conformités et des dérogations énumérées ci-dessous. Aucun audit n’a encore été réalisé : ce statut sera mis à jour après l’audit.

Résultats des tests

[À compléter après l’audit : l’audit de conformité réalisé le (date) par (organisme) révèle que (pourcentage) % des critères du RGAA version 4.1 sont respectés.]

Contenus non accessibles

Non-conformités : [à compléter après l’audit, par exemple : « certaines vidéos des séances n’ont pas de sous-titres »].

Dérogations pour charge disproportionnée : [à compléter, ou indiquer « aucune »].

Contenus non soumis à l’obligation d’accessibilité : les contenus de tiers (documents déposés par le public, flux vidéo des personnes présentes) qui ne sont ni financés ni développés par {conseil} ni sous son contrôle.

Établissement de cette déclaration d’accessibilité

Cette déclaration a été établie le [date].

Technologies utilisées pour la réalisation du site : HTML5, CSS, JavaScript, WebRTC.

Environnement de test

[À compléter : les combinaisons de navigateurs et de lecteurs d’écran utilisées pour l’audit, par exemple Firefox avec NVDA, Safari avec VoiceOver.]

Outils pour évaluer l’accessibilité : [à compléter].

Pages du site ayant fait l’objet de la vérification de conformité : [à compléter].

Retour d’information et contact

Si vous n’arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter la personne responsable de {conseil} pour obtenir une alternative accessible ou le contenu sous une autre forme :
– par courriel : [adresse de contact] ;
– par courrier : [adresse postale].

Voies de recours

Cette procédure est à utiliser dans le cas suivant : vous avez signalé à la personne responsable du site un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à un des services du portail et vous n’avez pas obtenu de réponse satisfaisante.

Vous pouvez :
– écrire un message au Défenseur des droits (formulaire en ligne : https://formulaire.defenseurdesdroits.fr/) ;
– contacter le délégué du Défenseur des droits dans votre région (https://www.defenseurdesdroits.fr/saisir/delegues) ;
– envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.
"""

LEGAL = """\
Éditeur

Cet espace de participation est édité par {conseil}, [statut juridique : conseil de quartier de la commune de …], [adresse postale], [numéro de téléphone], [adresse de contact].

Directeur ou directrice de la publication : [nom et fonction].

Hébergement

[Nom de l’hébergeur], [adresse postale], [numéro de téléphone].

Logiciel

Le site fonctionne avec Council, un logiciel libre ; son code source est publié sous licence libre.

Propriété intellectuelle

Sauf mention contraire, les textes publiés par {conseil} peuvent être réutilisés en citant la source. Les contributions des participants restent sous leur responsabilité.

Signaler un contenu

Pour signaler un contenu illicite ou une erreur : [adresse de contact].
"""

PRIVACY = """\
Responsable du traitement

{conseil}, [adresse postale], est responsable des traitements de données personnelles de cet espace de participation.

Délégué ou déléguée à la protection des données : [nom ou service, adresse de contact].

Données collectées et finalités

Nous recueillons votre adresse électronique et votre nom d’affichage pour créer votre compte, vous permettre de participer aux séances et vous envoyer les informations du conseil. Les réponses aux questions de profil (tranche d’âge, centres d’intérêt, quartier) sont facultatives ; chacune indique pourquoi elle est posée. Elles servent à former les groupes et à répartir les personnes dans les ateliers.

Base légale

Ces traitements reposent sur l’exécution d’une mission d’intérêt public (article 6.1.e du RGPD) et, pour les réponses facultatives, sur votre consentement, que vous pouvez retirer à tout moment en effaçant vos réponses depuis votre profil.

Destinataires

Seules l’équipe d’animation et l’administration de {conseil} ont accès à ces données. Elles ne sont ni vendues ni cédées. L’hébergeur les traite pour notre compte : [nom de l’hébergeur].

Durée de conservation

Les données du compte sont conservées tant que le compte est actif, puis [durée] après la dernière connexion. Les messages des séances sont conservés [durée].

Vidéo

Les flux audio et vidéo des séances ne sont pas enregistrés.

Cookies

Le site n’utilise que des cookies nécessaires à son fonctionnement (session et protection contre la falsification de requêtes) ; aucun cookie de mesure d’audience ou de publicité.

Vos droits

Vous pouvez accéder à vos données, les rectifier, les effacer, vous opposer à leur traitement ou en demander la limitation en écrivant à [adresse de contact]. Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL (https://www.cnil.fr/fr/plaintes).
"""

DEFAULTS = {
    CouncilPage.Kind.ACCESSIBILITY: ACCESSIBILITY,
    CouncilPage.Kind.LEGAL: LEGAL,
    CouncilPage.Kind.PRIVACY: PRIVACY,
}


def default_body(kind: str, council_name: str) -> str:
    return DEFAULTS[CouncilPage.Kind(kind)].replace("{conseil}", council_name)
