"""eco-desktop backup [--db PATH] [-o FILE]"""
from __future__ import annotations

from .. import backup
from ..cli_args import open_from_args


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "backup", parents=[parents["db"]], help="sauvegarder le catalogue maintenant",
        description="Copie le catalogue (API de sauvegarde de SQLite) dans le dossier backups/ à côté de lui, "
                    "ou dans FILE.")
    parser.add_argument("-o", "--output", metavar="FILE", help="fichier de la copie (par défaut : backups/…)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        path = backup.backup_now(catalogue, args.output)
        actors = catalogue.total()
    print(f"Sauvegarde enregistrée : {path} ({actors} acteurs).")
    return 0
