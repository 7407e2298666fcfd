"""eco-desktop show ID [--format text|json]"""
from __future__ import annotations

import json
import sys

from .. import fields, vocab
from ..catalogue import custom_fields
from ..cli_args import open_from_args, parse_id
from ..errors import UserError
from ..terminal import printable
from .list import add_custom


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("show", parents=[parents["db"]], help="afficher la fiche d'un acteur")
    parser.add_argument("id", metavar="ID", help="identifiant de l'acteur")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def actor_record(catalogue, actor_id: int) -> dict:
    actor = catalogue.get_actor(actor_id)
    if actor is None:
        raise UserError(f"Aucun acteur n'a l'identifiant {actor_id}.")
    actor.pop("deleted_at", None)
    actor["contacts"] = catalogue.contacts(actor_id)
    actor["relations"] = [{"type": r["type"], "direction": r["direction"], "other_id": r["other_id"],
                           "other_name": r["other_name"]} for r in catalogue.relations_of(actor_id)]
    calls = getattr(catalogue, "calls_of_actor", None)
    if calls is not None:
        actor["calls"] = [{"call": c["call"], "status": c["status"]} for c in calls(actor_id)]
    return actor


def run(args) -> int:
    actor_id = parse_id(args.id)
    with open_from_args(args, read_only=True) as catalogue:
        record = actor_record(catalogue, actor_id)
        if args.format == "json":
            add_custom(catalogue, [record])
            json.dump(record, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return 0
        kinds, domains, activities = (catalogue.vocabulary(v) for v in ("kind", "domain", "activity"))
        lines = [
            f"{record['name']}  (n° {record['id']})",
            f"{fields.label('kind')} : {kinds.get(record['kind'], record['kind'])}",
        ]
        if record["aliases"]:
            lines.append(f"{fields.label('aliases')} : {', '.join(record['aliases'])}")
        if record["domains"]:
            lines.append(f"{fields.label('domains')} : {', '.join(domains.get(d, d) for d in record['domains'])}")
        if record["activities"]:
            named = ", ".join(activities.get(a, a) for a in record["activities"])
            lines.append(f"{fields.label('activities')} : {named}")
        place = " ".join(p for p in (record["street"], record["postcode"], record["commune"]) if p)
        if place:
            where = f" ({record['departement']})" if record["departement"] else ""
            lines.append(f"{fields.label('street')} : {place}{where}")
        for key in ("website", "email", "phone", "siren", "siret", "naf"):
            if record[key]:
                lines.append(f"{fields.short_label(key)} : {record[key]}")
        if record["tags"]:
            lines.append(f"{fields.label('tags')} : {', '.join(record['tags'])}")
        values = catalogue.custom_values(actor_id)  # custom fields
        for field in catalogue.custom_fields("actor"):
            if field["key"] in values:
                lines.append(f"{field['label']} : {custom_fields.display(field, values[field['key']])}")
        if record["description"]:
            lines += ["", *record["description"].splitlines()]
        if record["relations"]:
            lines += ["", "Relations :"]
            for rel in record["relations"]:
                labels = vocab.RELATION_TYPES[rel["type"]]
                label = labels[0] if rel["direction"] == "out" else labels[1]
                lines.append(f"  - {label} {rel['other_name']} (n° {rel['other_id']})")
        if record["contacts"]:
            lines += ["", "Contacts :"]
            for c in record["contacts"]:
                who = " ".join(p for p in (c["civility"], c["first_name"], c["last_name"]) if p)
                extra = ", ".join(p for p in (c["role"], c["email"], c["phone"]) if p)
                lines.append(f"  - {who}" + (f" — {extra}" if extra else ""))
        if record["source"]:
            lines += ["", f"{fields.label('source')} : {record['source']}"]
        # Line by line: a line break inside a name would otherwise forge a line of the record.
        print("\n".join(printable(line) for line in lines))
    return 0
