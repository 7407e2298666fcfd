"""eco-desktop map [FILTERS] -o FILE.html: the standalone offline map of the filtered actors."""
from __future__ import annotations

from pathlib import Path

from .. import french, vocab
from ..cli_args import UsageError, filter_from_args, open_from_args
from ..cli_suggest import say_if_nothing_found


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "map", parents=[parents["db"], parents["filters"]],
        help="écrire la carte des acteurs (filtrés) dans un fichier HTML autonome",
        description="Écrit la carte des acteurs retenus par les filtres dans un seul fichier HTML "
                    "qui s'ouvre sans réseau (bibliothèques, fond de carte et données inclus).")
    parser.add_argument("-o", "--output", required=True, metavar="FICHIER.html",
                        help="fichier à écrire (.html ou .htm)")
    parser.add_argument("--title", metavar="TITRE",
                        help="titre de la carte (par défaut : le nom de la vue enregistrée "
                             f"correspondant aux filtres, sinon « {vocab.MAP_DEFAULT_TITLE} »)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from .. import maps  # folium and numpy: only for this command, not at every command's start
    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"Le fichier de la carte doit finir par .html : « {args.output} ».")
    with open_from_args(args, read_only=True) as catalogue:
        flt = filter_from_args(args, catalogue)
        content = maps.map_content(catalogue, flt)
        say_if_nothing_found(catalogue, flt, len(content.actors))
    if args.title:
        content.title = args.title
    maps.write_standalone_map(output, content.actors, **content.page_args())
    unlocated = content.unlocated_count()
    print(f"Carte de {french.count(len(content.actors), 'acteur')} écrite dans {output} "
          f"({french.count(unlocated, 'non localisé')})")
    return 0
