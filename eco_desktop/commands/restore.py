"""eco-desktop restore [--db PATH] BACKUP"""
from __future__ import annotations

from pathlib import Path

from .. import backup
from ..errors import UserError
from ..opening import resolve


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "restore", parents=[parents["db"]], help="restaurer le catalogue depuis une sauvegarde",
        description="Remplace le contenu du catalogue par celui de BACKUP, après avoir vérifié la sauvegarde "
                    "et sauvegardé l'état actuel.")
    parser.add_argument("backup", metavar="BACKUP", help="fichier de sauvegarde (.sqlite)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    path, _is_default = resolve(args.db)
    source = Path(args.backup).expanduser()
    if not source.is_file():
        raise UserError(f"La sauvegarde « {source} » n'existe pas.")
    safety = backup.restore(path, source)  # verifies the backup first (one integrity check, not two)
    actors = backup.count_actors(path)
    print(f"Catalogue « {path} » restauré depuis « {source} » ({actors} acteurs).")
    if safety is not None:
        print(f"L'état précédent est conservé dans « {safety} ».")
    return 0
