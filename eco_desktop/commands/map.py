"""eco-desktop map [FILTERS] -o FILE.html|FILE.pdf|FILE.png: the map of the filtered actors,
as a standalone offline page or, through the window's printing (QtWebEngine offscreen,
no display needed), as an A4 landscape PDF or a PNG."""
from __future__ import annotations

from pathlib import Path

from .. import french, vocab
from ..cli_args import UsageError, filter_from_args, open_from_args
from ..cli_suggest import say_if_nothing_found

PAGE_SUFFIXES = (".html", ".htm")
IMAGE_SUFFIXES = (".pdf", ".png")


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "map", parents=[parents["db"], parents["filters"]],
        help="écrire la carte des acteurs (filtrés) : page HTML autonome, PDF ou PNG",
        description="Écrit la carte des acteurs retenus par les filtres. En .html : un seul fichier qui "
                    "s'ouvre sans réseau (bibliothèques, fond de carte, données, couches « Nombre d'acteurs "
                    "par… » et densité inclus). En .pdf (A4 paysage) ou .png : l'image de la carte avec titre, "
                    "critères, légende, échelle, date et sources, dessinée sans écran.")
    parser.add_argument("-o", "--output", required=True, metavar="FICHIER",
                        help="fichier à écrire : .html (ou .htm), .pdf ou .png")
    parser.add_argument("--title", metavar="TITRE",
                        help="titre de la carte HTML (par défaut : le nom de la vue enregistrée "
                             f"correspondant aux filtres, sinon « {vocab.MAP_DEFAULT_TITLE} »)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix not in PAGE_SUFFIXES + IMAGE_SUFFIXES:
        raise UsageError(f"Le fichier de la carte doit finir par .html, .pdf ou .png : « {args.output} ».")
    if suffix in IMAGE_SUFFIXES and args.title:
        raise UsageError("--title ne vaut que pour une carte .html (l'image porte le titre de la vue).")
    with open_from_args(args, read_only=True) as catalogue:
        flt = filter_from_args(args, catalogue)
        if suffix in IMAGE_SUFFIXES:
            # Qt and QtWebEngine: only for an image, not for every command's start
            from ..ui.map.printing import export_image
            say_if_nothing_found(catalogue, flt, catalogue.count(flt))
            _path, count, unlocated = export_image(catalogue, flt, output)
        else:
            from .. import maps  # folium and numpy: only for this command, not at every command's start
            content = maps.map_content(catalogue, flt)
            say_if_nothing_found(catalogue, flt, len(content.actors))
            count, unlocated = len(content.actors), content.unlocated_count()
    if suffix in PAGE_SUFFIXES:
        if args.title:
            content.title = args.title
        maps.write_standalone_map(output, content.actors, **content.page_args())
    print(f"Carte de {french.count(count, 'acteur')} écrite dans {output} "
          f"({french.count(unlocated, 'non localisé')})")
    return 0
