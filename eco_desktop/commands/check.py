"""eco-desktop check [--db PATH] [--repair]"""
from __future__ import annotations

import sys

from .. import check as checking
from ..opening import resolve


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "check", parents=[parents["db"]], help="vérifier l'intégrité du catalogue",
        description="Vérifie le fichier (intégrité SQLite, références, index de recherche, orphelins, "
                    "drapeau hors IDF). Code de sortie 0 si le catalogue est sain, 1 sinon.")
    parser.add_argument("--repair", action="store_true",
                        help="reconstruire l'index de recherche s'il est le seul en cause")
    parser.set_defaults(handler=run)


def run(args) -> int:
    path, _is_default = resolve(args.db)
    report = checking.check(path)
    if not report.ok and args.repair and report.search_index_only:
        print("Reconstruction de l'index de recherche…", file=sys.stderr)
        report = checking.repair_search_index(path)
    if report.ok:
        print("\n".join(report.lines()))
        return 0
    print("\n".join(report.lines()), file=sys.stderr)
    if report.search_index_only and not args.repair:
        print("Seul l'index de recherche est en cause : « eco-desktop check --repair » le reconstruit.",
              file=sys.stderr)
    return 1
