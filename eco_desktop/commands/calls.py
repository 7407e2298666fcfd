"""eco-desktop calls list | add | show | status | mailing (appels à projets)"""
from __future__ import annotations

import json
import sys

from .. import vocab
from ..catalogue.calls import call_to_json, export_mailing
from ..cli_args import filter_from_args, open_from_args, parse_id
from ..terminal import printable
from ..cli_suggest import say_if_nothing_found
from .list import print_table


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("calls", help="appels à projets : présélection, suivi, publipostage",
                                   description="Appels à projets : éligibilité, présélection, suivi et publipostage.")
    sub = parser.add_subparsers(dest="calls_command", metavar="ACTION", required=True,
                                parser_class=type(parser))

    p = sub.add_parser("list", parents=[parents["db"]], help="lister les appels à projets")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run_list)

    p = sub.add_parser("add", parents=[parents["db"], parents["filters"]],
                       help="créer un appel ; sa présélection part des acteurs qui répondent aux filtres")
    p.add_argument("name", metavar="NOM")
    p.add_argument("--funder", metavar="TEXTE", default="", help="financeur")
    p.add_argument("--opens", metavar="AAAA-MM-JJ", default="", help="date d'ouverture")
    p.add_argument("--closes", metavar="AAAA-MM-JJ", default="", help="date de clôture")
    p.add_argument("--url", metavar="URL", default="", help="page de l'appel (http ou https)")
    p.add_argument("--description", metavar="TEXTE", default="")
    p.add_argument("--state", metavar="ÉTAT", default="preparing",
                   help="preparing, open, closed, archived (ou le libellé français)")
    p.set_defaults(handler=run_add)

    p = sub.add_parser("show", parents=[parents["db"]], help="afficher un appel et sa présélection")
    p.add_argument("name", metavar="NOM")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run_show)

    p = sub.add_parser("status", parents=[parents["db"]], help="changer le statut d'un acteur présélectionné")
    p.add_argument("name", metavar="NOM")
    p.add_argument("actor_id", metavar="ID_ACTEUR")
    p.add_argument("status", metavar="STATUT",
                   help="to_contact, contacted, applied, selected, not_selected, excluded (ou le libellé français)")
    p.add_argument("--note", metavar="TEXTE", default=None)
    p.set_defaults(handler=run_status)

    p = sub.add_parser("mailing", parents=[parents["db"]],
                       help="liste de publipostage (contacts utilisables des acteurs présélectionnés)")
    p.add_argument("name", metavar="NOM")
    p.add_argument("-o", "--output", metavar="FICHIER", required=True, help="fichier .xlsx ou .csv")
    p.set_defaults(handler=run_mailing)


def _date_fr(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso and len(iso) >= 10 else ""


def run_list(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        calls = catalogue.calls()
        if args.format == "json":
            out = [{**call_to_json(c, []), "counts": c["counts"], "total": c["total"]} for c in calls]
            for item in out:
                del item["shortlist"]
            json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return 0
        rows = [(c["name"], c["funder"], _date_fr(c["opens"]), _date_fr(c["closes"]), c["state_label"],
                 str(c["total"]), str(c["counts"]["applied"]), str(c["counts"]["selected"])) for c in calls]
        print_table(("Nom", "Financeur", "Ouverture", "Clôture", "État", "Présélection", "Candidats",
                     "Lauréats"), rows, max_width=40)
        print(f"{len(calls)} appel(s) à projets.")
    return 0


def run_add(args) -> int:
    with open_from_args(args) as catalogue:
        flt = filter_from_args(args, catalogue)
        call_id = catalogue.create_call(args.name, funder=args.funder, opens=args.opens, closes=args.closes,
                                        url=args.url, description=args.description, state=args.state,
                                        eligibility=flt)
        call = catalogue.get_call(call_id)
        n = len(catalogue.shortlist(call_id))
        say_if_nothing_found(catalogue, flt, n)
        print(printable(f"Appel à projets « {call['name']} » créé (n° {call_id}) : "
                        f"{n} acteur(s) présélectionné(s)."))
    return 0


def run_show(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        call = catalogue.get_call(args.name)
        shortlist = catalogue.shortlist(call["id"])
        if args.format == "json":
            json.dump(call_to_json(call, shortlist), sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return 0
        lines = [f"{call['name']}  (n° {call['id']}, {call['state_label'].lower()})"]
        if call["funder"]:
            lines.append(f"Financeur : {call['funder']}")
        if call["opens"] or call["closes"]:
            lines.append(f"Ouverture : {_date_fr(call['opens']) or '—'}   Clôture : {_date_fr(call['closes']) or '—'}")
        if call["url"]:
            lines.append(f"Page : {call['url']}")
        lines.append("Éligibilité : " + " ; ".join(catalogue.describe(call["eligibility"])
                                                   if not call["eligibility"].is_empty()
                                                   else ["aucun critère (présélection à la main)"]))
        if call["description"]:
            lines += ["", *call["description"].splitlines()]
        counts = catalogue.status_counts(call["id"])
        lines += ["", "Présélection : " + ", ".join(f"{vocab.SHORTLIST_STATUSES[s].lower()} {n}"
                                                     for s, n in counts.items() if n) if shortlist
                  else "Présélection : vide", ""]
        print("\n".join(printable(line) for line in lines))
        if shortlist:
            print_table(("Id", "Acteur", "Statut", "Modifié le", "Note"),
                        [(str(e["actor_id"]), e["name"], vocab.SHORTLIST_STATUSES[e["status"]],
                          _date_fr(e["changed_at"]), e["note"]) for e in shortlist], max_width=40)
    return 0


def run_status(args) -> int:
    actor_id = parse_id(args.actor_id, "L'identifiant de l'acteur")
    with open_from_args(args) as catalogue:
        call = catalogue.get_call(args.name)
        changed = catalogue.set_status(call["id"], [actor_id], args.status, note=args.note)
        entry = next(e for e in catalogue.shortlist(call["id"]) if e["actor_id"] == actor_id)
        label = vocab.SHORTLIST_STATUSES[entry["status"]]
        if changed:
            print(printable(f"{entry['name']} : « {label} » dans l'appel « {call['name']} »."))
        else:
            print(printable(f"{entry['name']} était déjà « {label} » dans l'appel « {call['name']} » : "
                            "rien à changer."))
    return 0


def run_mailing(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        call = catalogue.get_call(args.name)
        rows, report = catalogue.mailing_rows(call["id"])
    path = export_mailing(args.output, rows)
    print(f"Liste de publipostage écrite : {path}")
    print("\n".join(printable(line) for line in report.lines()))
    return 0
