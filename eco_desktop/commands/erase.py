"""eco-desktop erase CONTACT_ID [--preview] [--yes] [--backups] | erase --compact"""
from __future__ import annotations

import sys

from ..catalogue import privacy
from ..cli_args import UsageError, open_from_args, parse_id
from ..errors import UserError


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "erase", parents=[parents["db"]], help="effacer une personne (RGPD) partout dans le catalogue",
        description="Efface un contact et toute mention de la personne (notes, échanges, étiquettes, vues, "
                    "appels, historique), puis réécrit le fichier pour qu'il n'en garde aucune trace. "
                    "Affiche d'abord chaque endroit modifié. Irréversible. Code de sortie 1 si le fichier "
                    "n'a pas pu être réécrit (relancez alors « erase --compact »).")
    parser.add_argument("contact_id", metavar="CONTACT_ID", nargs="?", help="identifiant du contact")
    parser.add_argument("--preview", action="store_true", help="seulement afficher ce qui serait effacé")
    parser.add_argument("--yes", action="store_true", help="effacer sans demander de confirmation")
    parser.add_argument("--backups", action="store_true",
                        help="effacer aussi la personne des sauvegardes qui la contiennent encore")
    parser.add_argument("--compact", action="store_true",
                        help="seulement réessayer la réécriture du fichier après un effacement inachevé")
    parser.set_defaults(handler=run)


def _contact_id(value: str | None) -> int:
    if value is None:
        raise UsageError("Indiquez l'identifiant du contact à effacer (ou --compact).")
    return parse_id(value, "L'identifiant du contact")


def print_plan(plan: privacy.Plan, holding: list[privacy.BackupHolding]) -> None:
    print(f"Effacement de « {plan.name} » — recherché : {', '.join(plan.searched) or '(le contact seul)'}")
    print(f"{len(plan.places)} endroit(s) modifié(s) :")
    for place in plan.places:
        print(f"  - {place.where} — {place.what} : {place.before_excerpt} → {place.after_excerpt}")
    for kept in plan.kept:
        print(f"  Conservé : {kept.sentence()}")
    for item in holding:
        print(f"  Sauvegarde : {item.sentence()}")


def _confirmed(name: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"Effacer définitivement « {name} » ? Cette action ne peut pas être annulée. [o/N] ")
    return answer.strip().lower() in ("o", "oui")


def run(args) -> int:
    if args.compact:
        with open_from_args(args) as catalogue:
            purge = privacy.purge_file(catalogue)
        if not purge.ok:
            print(f"eco-desktop : le fichier n'a pas pu être réécrit ({purge.reason}).", file=sys.stderr)
            return 1
        print("Fichier réécrit : plus aucune trace des personnes effacées.")
        return 0
    contact_id = _contact_id(args.contact_id)
    with open_from_args(args, read_only=args.preview) as catalogue:
        if catalogue.get_contact(contact_id) is None:
            raise UserError(f"Aucun contact n'a l'identifiant {contact_id}.")
        plan = privacy.preview_erasure(catalogue, contact_id)
        holding = privacy.backups_holding(catalogue.path, plan.contact)
        print_plan(plan, holding)
        if args.preview:
            return 0
        if not args.yes and not _confirmed(plan.name):
            print("eco-desktop : rien n'a été effacé (confirmez, ou ajoutez --yes).", file=sys.stderr)
            return 1
        result = privacy.erase_person(catalogue, contact_id, expected=plan, backups=args.backups)
    if not result.purged:
        print(f"eco-desktop : {result.message()}\nRelancez « eco-desktop erase --compact » quand ce sera réglé.",
              file=sys.stderr)
        return 1
    if any(error for _path, error in result.backups):
        print(f"eco-desktop : {result.message()}", file=sys.stderr)
        return 1
    print(result.message())
    if holding and not args.backups:
        print(f"{len(holding)} sauvegarde(s) contiennent encore cette personne : relancez avec --backups "
              "pour l'y effacer aussi.")
    return 0
