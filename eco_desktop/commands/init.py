"""eco-desktop init PATH [--empty]"""
from __future__ import annotations

from ..catalogue import Catalogue


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("init", help="créer un catalogue (avec le jeu de données fourni, ou vide)",
                                   description="Crée un nouveau catalogue. Refuse de remplacer un fichier existant.")
    parser.add_argument("path", metavar="PATH", help="fichier à créer (.sqlite)")
    parser.add_argument("--empty", action="store_true", help="catalogue vide, sans le jeu de données fourni")
    parser.set_defaults(handler=run)


def run(args) -> int:
    with Catalogue.create(args.path, seed=not args.empty) as catalogue:
        print(f"Catalogue créé : {catalogue.path} ({catalogue.total()} acteurs).")
    return 0
