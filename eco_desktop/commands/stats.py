"""eco-desktop stats [FILTERS] [--format table|json]"""
from __future__ import annotations

import json
import sys

from ..cli_args import filter_from_args, open_from_args
from ..terminal import printable
from ..vocab import FACET_LABELS
from ..cli_suggest import say_if_nothing_found


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("stats", parents=[parents["db"], parents["filters"]],
                                   help="compter les acteurs par facette")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=run)


def run(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        flt = filter_from_args(args, catalogue)
        result = {"total": catalogue.count(flt), "facets": catalogue.facet_counts(flt)}
        say_if_nothing_found(catalogue, flt, result["total"])
        if args.format == "json":
            json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return 0
        print(f"{result['total']} acteur(s)")
        for facet, items in result["facets"].items():
            if not items:
                continue
            print(f"\n{FACET_LABELS.get(facet, facet)}")
            labels = [printable(i["label"]) for i in items]
            width = max(len(label) for label in labels)
            for label, item in zip(labels, items):
                print(f"  {label.ljust(width)}  {item['count']:>6}")
    return 0
