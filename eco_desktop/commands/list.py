"""eco-desktop list [FILTERS] [--format table|csv|json]"""
from __future__ import annotations

import csv
import json
import sys

from ..cli_args import filter_from_args, open_from_args
from .. import fields
from ..catalogue import ACTOR_FIELDS, custom_fields
from ..terminal import printable
from ..cli_suggest import say_if_nothing_found


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("list", parents=[parents["db"], parents["filters"]],
                                   help="lister les acteurs (filtrés)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(handler=run)


def run(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        flt = filter_from_args(args, catalogue)
        actors = list(catalogue.iter_actors(flt))
        say_if_nothing_found(catalogue, flt, len(actors))
        if args.format == "json":
            add_custom(catalogue, actors)
            json.dump(actors, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        elif args.format == "csv":
            writer = csv.DictWriter(sys.stdout, fieldnames=ACTOR_FIELDS, lineterminator="\n")
            # With "\n" as terminator the csv module leaves a lone "\r" unquoted, and readers
            # take it for a line end: such rows are written with every field quoted.
            quoting = csv.DictWriter(sys.stdout, fieldnames=ACTOR_FIELDS, lineterminator="\n",
                                     quoting=csv.QUOTE_ALL)
            writer.writeheader()
            for actor in actors:
                row = {k: ("|".join(v) if isinstance(v, list) else v) for k, v in actor.items()}
                carriage = any(isinstance(v, str) and "\r" in v for v in row.values())
                (quoting if carriage else writer).writerow(row)
        else:
            kinds = catalogue.vocabulary("kind")
            rows = [(str(a["id"]), a["name"], kinds.get(a["kind"], a["kind"]), a["commune"], a["departement"])
                    for a in actors]
            headers = [fields.short_label(k) for k in ("name", "kind", "commune", "departement")]
            print_table(("Id", *headers), rows)
            print(f"{len(actors)} acteur(s) sur {catalogue.total()}.")
    return 0


def add_custom(catalogue, actors: list[dict]) -> None:
    """Each actor's custom fields under ``custom``: {key: value} (a list for several
    choices, true/false for yes/no), every field of the catalogue named."""
    definitions = catalogue.custom_fields("actor")
    values = catalogue.custom_values_of([a["id"] for a in actors]) if definitions else {}
    for actor in actors:
        found = values.get(actor["id"], {})
        actor["custom"] = {f["key"]: custom_fields.plain(f, found.get(f["key"], [])) for f in definitions}


def print_table(headers, rows, *, max_width: int = 48) -> None:
    """Columns padded to their widest cell; record text through terminal.printable (escaped
    before cutting, so the widths count what is shown)."""
    def cut(value) -> str:
        text = printable(value)
        return text if len(text) <= max_width else text[:max_width - 1] + "…"
    rows = [tuple(cut(c) for c in row) for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
