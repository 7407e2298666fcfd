"""Aide: the short user guide (with the window's real shortcuts) and À propos."""
from __future__ import annotations

import platform
import sqlite3
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Sequence

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QTabWidget, QTextBrowser,
    QVBoxLayout, QWidget,
)

from ... import APP_TITLE, __version__, paths
from . import common

GUIDE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Recherche", "Le champ en haut de la fenêtre cherche dans tout ce qu'est un acteur : noms et noms "
     "alternatifs, description, commune, code postal, étiquettes, contacts, type, domaines et activités "
     "(leurs libellés), SIREN, SIRET, code NAF, département (nom ou numéro), EPT, EPCI, appels à projets "
     "et texte des champs personnalisés. Accents et majuscules ne comptent pas (« Courtaboeuf » trouve "
     "« Courtabœuf »), chaque mot peut être un début de mot (« thér gén ») et le pluriel trouve le "
     "singulier (« thérapies géniques », « incubateurs »). Les sigles et synonymes du domaine sont compris "
     "(« CDMO », « CAR-T », « ATMP », « big pharma ») : ils se modifient dans Outils → Vocabulaires → "
     "« Synonymes » (un terme et ce qu'il signifie, une valeur de vocabulaire ou une expression ; un "
     "synonyme élargit la recherche, il n'exclut jamais rien). Un SIREN ou un SIRET se tape avec ou sans "
     "espaces ni points (« 428 859 052 »). Tous les mots sont requis ; un nom exact vient en premier, puis "
     "les noms qui contiennent tous les mots, puis les autres acteurs par pertinence. Dans la liste, les "
     "mots trouvés sont en gras dans les noms ; quand le nom ne les contient pas, l'infobulle du nom dit "
     "où l'acteur a été trouvé (« trouvé dans : domaine Thérapie génique », « trouvé dans : SIREN »). "
     "Si rien ne correspond, des boutons sous la liste proposent les noms et valeurs les plus proches : "
     "un clic lance la recherche ou coche la valeur. La liste se met à jour pendant la frappe."),
    ("Facettes", "Le panneau de gauche regroupe les acteurs par type, domaine, activité, département, "
     "Métropole du Grand Paris, territoire (EPT/EPCI), étiquette, suivi (relance en retard, aujourd'hui, "
     "cette semaine, plus tard, sans relance) et champs personnalisés à choix ou oui/non, avec le nombre "
     "d'acteurs de chaque valeur dans la sélection courante. Cocher des valeurs restreint la liste : "
     "plusieurs valeurs d'une même facette s'ajoutent (« ou »), des facettes différentes se combinent "
     "(« et »). « Effacer les filtres » revient à tous les acteurs. Une combinaison utile s'enregistre "
     "comme vue."),
    ("Liste", "Le tableau central présente les acteurs retenus ; cliquez un en-tête pour trier, faites un "
     "clic droit sur les en-têtes pour choisir les colonnes (dont les champs personnalisés). Double-clic ou "
     "Entrée ouvre la fiche. Une sélection de plusieurs acteurs peut être modifiée en une fois, exportée "
     "ou ajoutée à un appel."),
    ("Fiche", "Le panneau de droite affiche et modifie l'acteur sélectionné : identité, identifiants "
     "(SIREN, SIRET, NAF), localisation, coordonnées, contacts, relations, champs personnalisés, suivi des "
     "échanges (avec leur relance : date, qui relance, prochaine étape) et historique. L'historique est le "
     "journal de la fiche : chaque modification y est écrite en clair (« Téléphone : … → … », "
     "« Domaines : + Vaccins »), avec les échanges, les relances, les statuts dans les appels, les imports "
     "et ce qu'ont envoyé les collègues, du plus récent au plus ancien ; des boutons montrent ou cachent "
     "chaque catégorie. Un champ en erreur est signalé et l'enregistrement est refusé tant qu'il le reste."),
    ("Champs personnalisés", "Outils → Champs personnalisés… définit des champs propres à l'équipe, pour "
     "les acteurs et les contacts : texte, texte long, nombre (avec son unité), date, oui/non, adresse web, "
     "un choix ou plusieurs choix (leurs choix se modifient comme un vocabulaire). Ils apparaissent dans la "
     "fiche (section « Champs personnalisés », chaque saisie vérifiée et enregistrée aussitôt ; ceux d'un "
     "contact dans sa fenêtre Modifier…), comme colonnes facultatives de la liste, comme facettes (choix et "
     "oui/non) et comme intervalles dans la barre au-dessus de la liste (nombres et dates : « Montant levé "
     "≥ 1M »). Ils font partie du filtre (vues, appels, carte, tableau de bord, export), sont cherchés par "
     "la recherche, exportés et importés. Renommer ou supprimer un champ demande confirmation et s'annule "
     "(Ctrl+Z) ; supprimer un choix utilisé dit combien de fiches l'ont."),
    ("Carte", "L'onglet Carte place les acteurs retenus sur un fond de carte de l'Île-de-France, "
     "utilisable hors ligne, avec une couleur par type d'acteur. Cliquer un marqueur sélectionne l'acteur. "
     "Dans le sélecteur de couches (en haut à droite), « Nombre d'acteurs par… » colore chaque commune, "
     "EPT, EPCI ou département selon le nombre d'acteurs du filtre qu'il compte (légende en bas à "
     "gauche) ; survolez un territoire pour son nom et son nombre, cliquez-le pour filtrer par ce "
     "territoire. « Densité des acteurs (chaleur) » montre où les acteurs se concentrent."),
    ("Sélectionner et corriger sur la carte", "Les boutons sous le zoom dessinent une zone : un polygone "
     "(cliquez ses sommets, double-clic ou Entrée pour fermer, Échap pour annuler) ou un cercle (appuyez "
     "au centre et faites glisser) ; le troisième efface la zone. « À moins de… » demande une commune, un "
     "code postal ou un acteur, et un rayon en km. La zone filtre la liste, les facettes, le tableau de "
     "bord, l'export, les appels et les vues ; la ligne « Zone : … » au-dessus des onglets la rappelle et "
     "son ✕ la retire. Un acteur sans position n'est jamais dans une zone : leur nombre est indiqué. "
     "« Déplacer » : activez-le, puis faites glisser un marqueur jusqu'à sa vraie place (zoomez pour "
     "séparer les groupes) ; Ctrl+Z annule. « Placer sur la carte » (fiche) ou « Placer » (liste « Non "
     "localisés ») : cliquez ensuite sur la carte à l'emplacement de l'acteur ; Échap annule. Une position "
     "hors d'Île-de-France demande confirmation. « Aller à… » : une commune, un code postal ou un nom "
     "d'acteur, puis Entrée. « Exporter l'image… » (menu Fichier, ou « Exporter » sur la carte) enregistre "
     "la carte en PDF A4 paysage ou en PNG, avec titre, critères, légende, échelle, date et sources."),
    ("Tableau de bord", "L'onglet Tableau de bord résume la sélection : répartition par type, domaine, "
     "activité et territoire."),
    ("Appels à projets", "Un appel à projets décrit ses critères d'éligibilité ; les acteurs présélectionnés "
     "y suivent un statut (à contacter, contacté, candidat, lauréat…). Le délai de relance proposé quand "
     "un acteur devient « contacté » se règle dans l'appel (« Relance après »)."),
    ("Relances", "Un échange du suivi, ou un acteur présélectionné dans un appel, peut porter une "
     "relance : « À relancer le », qui relance et la prochaine étape. Quand un acteur devient « contacté » "
     "dans un appel, une relance est proposée au délai de l'appel (7 jours par défaut). Outils → Relances… "
     "les liste par date, les retards en rouge, avec l'e-mail utilisable du contact (un clic ouvre la "
     "messagerie) ; un clic sur l'acteur ouvre sa fiche. « Relance faite… » l'enregistre comme un échange "
     "(annulable) ; « Exporter en .ics… » produit un fichier à importer dans Outlook ou Thunderbird. À "
     "l'ouverture, un bandeau dit combien de relances sont en retard."),
    ("Travailler en équipe", "Chaque membre garde son propre catalogue sur son ordinateur et travaille "
     "hors ligne ; les catalogues se rejoignent dans un dossier partagé (partage réseau, dossier Nextcloud "
     "ou OneDrive synchronisé, clé USB) ou sur un serveur WebDAV (adresse https://). Fichier → "
     "Synchronisation… : choisissez ce lieu et votre nom tel que l'équipe le lira dans l'historique. Le mot "
     "de passe est gardé dans le trousseau du système ; sans trousseau, jusqu'à la fermeture de "
     "l'application, jamais dans le catalogue. Le premier membre synchronise son catalogue ; les autres "
     "choisissent « Rejoindre une équipe… », qui crée leur propre catalogue à partir du dossier partagé. "
     "Synchroniser maintenant : Ctrl+Maj+S ; la synchronisation se fait aussi à l'ouverture, à la "
     "fermeture et toutes les quelques minutes, et la barre d'état dit « Synchronisé à 10:42 · 3 "
     "modifications à envoyer » ou « Hors ligne : 12 modifications en attente ». Quand deux personnes "
     "modifient la même fiche : des champs différents sont tous gardés ; domaines, activités, étiquettes "
     "et autres noms sont fusionnés ; le même champ modifié des deux côtés prend la valeur la plus "
     "récente, et le conflit est listé dans Fichier → Conflits à revoir, où « Garder l'autre valeur » le "
     "change d'un clic (Ctrl+Z pour revenir). Une fiche modifiée ici mais supprimée ailleurs revient dans "
     "la corbeille, avec une note. Ce qu'un collègue a envoyé apparaît dans l'historique de la fiche, à "
     "son nom. Une personne effacée (RGPD) l'est chez tous et dans chaque fichier du dossier partagé. Ne "
     "placez jamais le fichier .sqlite lui-même sur un partage ou dans un dossier synchronisé, et ne "
     "modifiez pas à la main les fichiers du dossier partagé. Hors ligne, rien n'est perdu : les "
     "modifications attendent la synchronisation suivante. Ligne de commande : eco-desktop sync, sync "
     "status, sync conflicts, sync join."),
    ("Import et export", "Fichier → Importer lit un classeur Excel ou un fichier CSV et fait correspondre "
     "ses colonnes aux champs, champs personnalisés compris ; l'export produit un classeur Excel ou un CSV "
     "des acteurs retenus, avec une colonne par champ personnalisé, une feuille des critères utilisés et "
     "une feuille « Relances » quand les acteurs exportés en ont."),
    ("Corbeille et annulation", "Supprimer un acteur le place dans la corbeille avec ses relations ; il "
     "peut y être restauré. Chaque modification, y compris une modification groupée ou une fusion, "
     "s'annule en une fois (menu Édition)."),
)


def key_text(sequence: str | QKeySequence) -> str:
    if not isinstance(sequence, QKeySequence):
        sequence = QKeySequence(sequence)
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def guide_html(shortcuts: Sequence[tuple[str, str | QKeySequence]]) -> str:
    parts = [f"<h2>Guide de {escape(APP_TITLE)}</h2>",
             "<p>Le catalogue recense les acteurs de l'écosystème des biothérapies et de la bioproduction "
             "en Île-de-France : entreprises, laboratoires, plateformes, financeurs…</p>"]
    for title, text in GUIDE_SECTIONS:
        parts.append(f"<h3>{escape(title)}</h3><p>{escape(text)}</p>")
    parts.append("<h3>Raccourcis clavier</h3>")
    if shortcuts:
        rows = "".join(f"<tr><td style='padding-right:24px'>{escape(action)}</td>"
                       f"<td><b>{escape(key_text(keys))}</b></td></tr>" for action, keys in shortcuts)
        parts.append(f"<table cellspacing='0' cellpadding='3'>{rows}</table>")
    else:
        parts.append("<p>Aucun raccourci défini.</p>")
    return "".join(parts)


class HelpDialog(QDialog):
    """A short French user guide; ``shortcuts`` is the window's (action, key sequence) list."""

    def __init__(self, shortcuts: Sequence[tuple[str, str | QKeySequence]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Aide")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(guide_html(shortcuts))
        layout.addWidget(self.browser)
        self.buttons = common.button_box(common.SB.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(common.SB.Close).clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(680, 640)


# (distribution, shown name, licence) of what the application is built on.
LIBRARIES: tuple[tuple[str | None, str, str], ...] = (
    ("PySide6", "Qt for Python (PySide6)", "LGPL-3.0"),
    ("sqlite-utils", "sqlite-utils", "Apache-2.0"),
    (None, "SQLite", "domaine public"),
    ("folium", "folium", "MIT"),
    ("XStatic-Leaflet", "Leaflet", "BSD-2-Clause"),
    ("XStatic-Leaflet-MarkerCluster", "Leaflet.markercluster", "MIT"),
    ("XStatic-jQuery", "jQuery", "MIT"),
    ("openpyxl", "openpyxl", "MIT"),
    ("python-stdnum", "python-stdnum", "LGPL-2.1+"),
    ("email-validator", "email-validator", "Unlicense"),
    ("phonenumbers", "phonenumbers", "Apache-2.0"),
    ("rapidfuzz", "RapidFuzz", "MIT"),
    ("charset-normalizer", "charset-normalizer", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("numpy", "NumPy", "BSD-3-Clause"),
    ("PyStemmer", "PyStemmer (Snowball)", "MIT, BSD-3-Clause"),
    ("pyproj", "pyproj", "MIT"),
    ("apsw", "APSW", "toute licence OSI"),
    ("keyring", "keyring", "MIT"),
    ("icalendar", "icalendar", "BSD-2-Clause"),
)


def library_versions() -> list[tuple[str, str, str]]:
    out = []
    for dist, name, licence in LIBRARIES:
        if dist is None:
            version = sqlite3.sqlite_version
        elif dist == "PySide6":
            version = f"{pyside_version} (Qt {qVersion()})"
        else:
            try:
                version = metadata.version(dist)
            except metadata.PackageNotFoundError:
                version = "non installée"
        out.append((name, version, licence))
    return out


class AboutDialog(QDialog):
    """Version, catalogue file, schema and dataset versions, data sources and licences, libraries."""

    def __init__(self, catalogue_path: str | Path | None, parent: QWidget | None = None, *,
                 schema_version: int | None = None, dataset_version: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"À propos de {APP_TITLE}")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()

        about = QWidget()
        about_layout = QVBoxLayout(about)
        rows = [
            ("Version", __version__),
            ("Catalogue", str(catalogue_path) if catalogue_path else "aucun catalogue ouvert"),
            ("Version du schéma", str(schema_version) if schema_version is not None else "inconnue"),
            ("Jeu de données fourni", dataset_version or "aucun (catalogue vide ou importé)"),
            ("Python", platform.python_version()),
            ("Système", platform.platform(terse=True)),
        ]
        table = "".join(f"<tr><td style='padding-right:16px'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
                        for k, v in rows)
        self.info = QLabel(f"<h2>{escape(APP_TITLE)} {escape(__version__)}</h2>"
                           "<p>Catalogue de l'écosystème des biothérapies et de la bioproduction "
                           f"en Île-de-France.</p><table cellpadding='2'>{table}</table>")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        about_layout.addWidget(self.info)
        about_layout.addStretch(1)
        self.tabs.addTab(about, "À propos")

        self.sources = QTextBrowser()
        self.sources.setOpenExternalLinks(True)
        sources_file = paths.resource("DATA-SOURCES.md")
        try:
            self.sources.setMarkdown(sources_file.read_text(encoding="utf-8"))
        except OSError:
            self.sources.setPlainText(f"Fichier des sources introuvable : {sources_file}")
        self.tabs.addTab(self.sources, "Sources des données et licences")

        libs = library_versions()
        self.libraries = QTableWidget(len(libs), 3)
        self.libraries.setHorizontalHeaderLabels(["Bibliothèque", "Version", "Licence"])
        self.libraries.verticalHeader().setVisible(False)
        self.libraries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, values in enumerate(libs):
            for column, value in enumerate(values):
                self.libraries.setItem(row, column, QTableWidgetItem(value))
        header = self.libraries.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.libraries, "Bibliothèques")

        layout.addWidget(self.tabs, 1)
        self.buttons = common.button_box(common.SB.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(common.SB.Close).clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(760, 560)
