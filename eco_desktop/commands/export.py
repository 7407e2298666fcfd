"""eco-desktop export [FILTERS] -o FILE.xlsx|FILE.csv [--contacts] [--all-contacts] [--columns KEY,…]"""
from __future__ import annotations

from ..cli_args import UsageError, filter_from_args, open_from_args
from ..errors import UserError
from ..export import ACTOR_COLUMNS, DEFAULT_COLUMNS, export_format, export_from_catalogue
from ..cli_suggest import say_if_nothing_found


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "export", parents=[parents["db"], parents["filters"]],
        help="exporter les acteurs (filtrés) en Excel (.xlsx) ou CSV",
        description="Exporte les acteurs retenus par les filtres, dans l'ordre de la liste, "
                    "vers un classeur Excel (.xlsx) ou un fichier CSV pour Excel (.csv, « ; », UTF-8).")
    parser.add_argument("-o", "--output", required=True, metavar="FICHIER",
                        help="fichier à écrire ; le format vient de l'extension (.xlsx ou .csv)")
    parser.add_argument("--contacts", action="store_true",
                        help="ajouter les contacts utilisables (base légale, sans opposition) : "
                             "feuille « Contacts », ou FICHIER-contacts.csv à côté en CSV")
    parser.add_argument("--all-contacts", action="store_true",
                        help="ajouter tous les contacts, avec leur base légale et leur opposition "
                             "(implique --contacts)")
    parser.add_argument("--columns", metavar="CLÉ,CLÉ,…",
                        help="colonnes des acteurs, dans cet ordre (clés JSON : "
                             + ", ".join(ACTOR_COLUMNS) + ") ; par défaut : " + ",".join(DEFAULT_COLUMNS))
    parser.set_defaults(handler=run)


def parse_columns(value: str | None) -> list[str]:
    """``"name,kind"`` -> ``["name", "kind"]``; :class:`UsageError` naming the valid keys."""
    if value is None:
        return list(DEFAULT_COLUMNS)
    keys = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in ACTOR_COLUMNS]
    if unknown or not keys:
        head = ("Colonne inconnue : " + ", ".join(f"« {k} »" for k in unknown) + "."
                if unknown else "Aucune colonne demandée.")
        raise UsageError(f"{head} Colonnes possibles : {', '.join(ACTOR_COLUMNS)}.")
    return list(dict.fromkeys(keys))


def run(args) -> int:
    try:
        export_format(args.output)
    except UserError as exc:
        raise UsageError(str(exc)) from exc
    columns = parse_columns(args.columns)
    with open_from_args(args, read_only=True) as catalogue:
        flt = filter_from_args(args, catalogue)
        result = export_from_catalogue(
            catalogue, args.output, flt, columns=columns,
            contacts=args.contacts or args.all_contacts, all_contacts=args.all_contacts)
        say_if_nothing_found(catalogue, flt, result.actors)
    print(result.message() + ".")
    return 0
