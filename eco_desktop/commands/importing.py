"""eco-desktop import FILE [--sheet NAME] [--dry-run] [--on-duplicate …] [--strict]
[--kind SLUG] [--mapping FILE.json] [--report FILE.xlsx]

Exit code 1 when rows were given and none could be imported because of errors; 0 when
something was imported, or nothing needed to be (every row already in the catalogue).

(The module cannot be called ``import``: the subcommand is registered under that name.)
"""
from __future__ import annotations

import logging
import sys

from ..cli_args import open_from_args
from ..errors import UserError
from ..importer import KIND_HINT_CLI, ON_DUPLICATE, apply_import, plan_import, write_report

log = logging.getLogger(__name__)


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "import", parents=[parents["db"]],
        help="importer des acteurs ou des contacts depuis un fichier Excel (.xlsx) ou CSV",
        description="Importe les lignes d'un classeur Excel ou d'un fichier CSV/TSV : colonnes "
                    "reconnues automatiquement, valeurs vérifiées, doublons repérés (même SIRET, "
                    "même SIREN, même nom, nom proche dans la même commune ; deux SIRET "
                    "différents sont deux établissements), établissements d'une entreprise "
                    "reliés à son siège quand le fichier le désigne. Tout ou rien : une seule "
                    "opération, annulable dans la fenêtre (Ctrl+Z). Une sauvegarde du catalogue "
                    "est faite avant (au plus une par jour).")
    parser.add_argument("file", metavar="FICHIER", help="fichier .xlsx, .csv, .tsv ou .txt")
    parser.add_argument("--sheet", metavar="NOM", help="feuille du classeur (la première par défaut)")
    parser.add_argument("--dry-run", action="store_true",
                        help="montrer ce qui serait fait sans rien écrire")
    parser.add_argument("--on-duplicate", choices=ON_DUPLICATE, default="skip",
                        help="doublons : skip = ignorer (défaut), merge = compléter les champs vides, "
                             "overwrite = remplacer par les cellules non vides, create = créer quand même")
    parser.add_argument("--strict", action="store_true",
                        help="rejeter les lignes ayant une valeur invalide (SIRET, e-mail…) au lieu "
                             "d'ignorer la valeur")
    parser.add_argument("--kind", metavar="TYPE",
                        help="type d'acteur des lignes dont le type est absent, vide ou inconnu "
                             "(la valeur inconnue est gardée en étiquette) : biotech, pharma, "
                             "academic… ; sans cette option, un type est proposé d'après le "
                             "code NAF ou le type de structure (Outils → Vocabulaires)")
    parser.add_argument("--no-link-sites", dest="link_sites", action="store_false",
                        help="ne pas relier les établissements d'une entreprise à son siège "
                             "(relation « site de ») quand le fichier désigne le siège "
                             "(etablissementSiege, nicSiegeUniteLegale)")
    parser.add_argument("--mapping", metavar="FICHIER.json",
                        help="correspondance des colonnes enregistrée (en-tête → champ)")
    parser.add_argument("--report", metavar="FICHIER.xlsx",
                        help="écrire la liste des problèmes, ligne par ligne, dans ce classeur")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if args.report and not args.report.lower().endswith(".xlsx"):
        raise UserError(f"Le rapport doit être un classeur .xlsx : « {args.report} ».")
    with open_from_args(args, read_only=args.dry_run) as catalogue:
        kind = _kind(catalogue, args.kind)
        plan = plan_import(catalogue, args.file, sheet=args.sheet, mapping=args.mapping,
                           on_duplicate=args.on_duplicate, strict=args.strict,
                           default_kind=kind, kind_hint=KIND_HINT_CLI,
                           link_sites=args.link_sites)
        if args.dry_run:
            summary = plan.summary()
        else:
            _backup(catalogue)
            summary = apply_import(catalogue, plan)
    print(summary.message())
    if args.report:
        path = write_report(args.report, summary)
        print(f"Rapport enregistré : {path}")
    if summary.all_failed:  # « terminé » and exit 0 would hide that nothing was imported
        raise UserError(summary.failure())
    return 0


def _kind(catalogue, text: str | None) -> str | None:
    """The slug --kind names: a slug or a label of the catalogue's kinds, folded."""
    if not text:
        return None
    from ..text import fold
    kinds = catalogue.vocabulary("kind")
    key = fold(text)
    for slug, label in kinds.items():
        if key in (fold(slug), fold(label)):
            return slug
    raise UserError(f"--kind : type d'acteur inconnu « {text} » (types possibles : "
                    f"{', '.join(kinds)}).")


def _backup(catalogue) -> None:
    """The daily copy before a real import; a failed backup is said, not fatal."""
    from ..backup import maybe_daily_backup
    try:
        copy = maybe_daily_backup(catalogue)
    except UserError as exc:
        print(f"eco-desktop : sauvegarde impossible avant l'import ({exc}) ; import poursuivi.",
              file=sys.stderr)
        return
    if copy is not None:
        print(f"Sauvegarde du catalogue avant l'import : {copy}")
