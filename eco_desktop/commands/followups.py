"""eco-desktop followups [FILTERS] [--overdue] [--format table|json|ics] [-o FICHIER]"""
from __future__ import annotations

import json
import sys
from contextlib import redirect_stdout

from .. import french
from ..atomic import atomic_files
from ..catalogue.followups import FOLLOWUP_HEADINGS
from ..cli_args import filter_from_args, open_from_args
from ..export.ics import calendar_bytes
from .list import print_table



def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "followups", parents=[parents["db"], parents["filters"]],
        help="relances à faire (échanges et présélections des appels), par date",
        description="Les relances à faire des acteurs qui répondent aux filtres, par date : "
                    "en tableau, en JSON ou en fichier iCalendar (.ics) pour Outlook ou Thunderbird.")
    parser.add_argument("--overdue", action="store_true", help="seulement les relances en retard")
    parser.add_argument("--format", choices=("table", "json", "ics"), default="table")
    parser.add_argument("-o", "--output", metavar="FICHIER", help="écrire dans ce fichier plutôt qu'à l'écran")
    parser.set_defaults(handler=run)


def summary(items) -> str:
    """« 3 relances, dont 1 en retard. »"""
    late = sum(1 for f in items if f.bucket == "overdue")
    text = french.count(len(items), "relance")
    return f"{text}, dont {french.count(late, 'en retard', 'en retard')}." if late else f"{text}."


def run(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        items = catalogue.followups(filter_from_args(args, catalogue), overdue=args.overdue)
    if args.format == "ics":
        data = calendar_bytes(items)
    elif args.format == "json":
        data = (json.dumps([f.to_dict() for f in items], ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    else:
        data = None
    if args.output:
        with atomic_files() as files:
            if data is None:
                out = files.open(args.output, encoding="utf-8", newline="")
                _table(items, out)
            else:
                files.open(args.output).write(data)
        print(f"{summary(items)} Écrit dans « {args.output} ».", file=sys.stderr)
    elif data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        _table(items, sys.stdout)
    return 0


def _table(items, out) -> None:
    rows = [(f.due.strftime("%d/%m/%Y"), f.bucket_label, f.actor, f.call, f.who, f.next_step, f.email)
            for f in items]
    with redirect_stdout(out):  # print_table prints
        if rows:
            print_table(tuple(FOLLOWUP_HEADINGS.values()), rows, max_width=40)
        print(summary(items))
