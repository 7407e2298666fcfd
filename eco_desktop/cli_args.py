"""What the commands share: the FILTERS options and the Filter they give, the catalogue
of ``--db``, identifiers typed on the command line, usage errors.

A module of its own, not part of ``cli.py``: ``cli.py`` loads every command, and the
commands taking these from it made each of them import the module that imports them.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace  # (the custom criteria)

from .errors import UserError
from .filter import Filter


class UsageError(UserError):
    """A wrong option value: exit code 2."""


def parse_id(text: str, what: str = "L'identifiant") -> int:
    """An identifier typed on the command line: an integer, else a usage error. One
    beyond SQLite's 64-bit integers stays a number: the store finds no row with it, and
    the command says so like for any other id nothing has."""
    try:
        return int(str(text).strip())
    except ValueError:  # (also a number of more than 4,300 digits)
        raise UsageError(f"{what} doit être un nombre entier : « {str(text)[:40]} ».") from None


def filter_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("filtres (plusieurs valeurs d'une option : OU ; options différentes : ET)")
    group.add_argument("--search", metavar="TEXTE", default="", help="recherche plein texte (préfixes, sans accents)")
    for option, help_text in (("kind", "type d'acteur (slug)"), ("domain", "domaine (slug)"),
                              ("activity", "activité (slug)"), ("departement", "département (NN)"),
                              ("ept", "établissement public territorial (code)"),
                              ("epci", "intercommunalité (SIREN)"), ("tag", "étiquette")):
        group.add_argument(f"--{option}", action="append", default=[], metavar="VALEUR", help=help_text)
    mgp = group.add_mutually_exclusive_group()
    mgp.add_argument("--mgp", dest="mgp", action="store_const", const=True, default=None,
                     help="dans la Métropole du Grand Paris")
    mgp.add_argument("--no-mgp", dest="mgp", action="store_const", const=False, help="hors Métropole")
    group.add_argument("--has-contact", action="store_true", help="avec au moins un contact utilisable")
    group.add_argument("--call", metavar="NOM", default="", help="présélectionnés dans cet appel à projets")
    group.add_argument("--include-deleted", action="store_true", help="inclure la corbeille")
    group.add_argument("--field", action="append", default=[], metavar="CLÉ=VALEUR",
                       help="champ personnalisé : CLÉ=VALEUR, CLÉ>=N, CLÉ<=N, CLÉ<DATE, CLÉ>DATE "
                            "(plusieurs valeurs d'un même champ avec = : OU)")  # custom fields
    return parent


def filter_from_args(args: argparse.Namespace, catalogue=None) -> Filter:
    """Build the Filter from FILTERS options, checking slugs against the catalogue."""
    flt = Filter(text=args.search or "", kinds=tuple(args.kind), domains=tuple(args.domain),
                 activities=tuple(args.activity), departements=tuple(args.departement),
                 mgp=args.mgp, epts=tuple(args.ept), epcis=tuple(args.epci), tags=tuple(args.tag),
                 has_contact=args.has_contact, call=args.call or "", include_deleted=args.include_deleted)
    if catalogue is not None:
        for option, name, values in (("--kind", "kind", flt.kinds), ("--domain", "domain", flt.domains),
                                     ("--activity", "activity", flt.activities)):
            known = catalogue.vocabulary(name)
            resolved = []
            for value in values:
                slug = _resolve_slug(value, known)
                if slug is None:
                    raise UsageError(f"Valeur inconnue pour {option} : « {value} ». "
                                     f"Valeurs possibles : {', '.join(known)}.")
                resolved.append(slug)
            flt = flt.with_selection(name, resolved)
    if getattr(args, "field", None):  # custom fields' criteria
        flt = replace(flt, custom=custom_criteria_from_args(args.field, catalogue))
    return flt


def custom_criteria_from_args(expressions: list[str], catalogue) -> tuple[tuple[str, str, str], ...]:
    """The --field options as the Filter's custom criteria, checked against the
    catalogue's fields (their keys or labels) and read by their types."""
    from .catalogue.custom_fields import criterion, parse_criterion
    out = []
    for expression in expressions:
        try:
            key, op, value = parse_criterion(expression)
            if catalogue is None:
                out.append((key, op, value))
                continue
            field = catalogue.custom_field(key)
            if field is None:
                known = ", ".join(f["key"] for f in catalogue.custom_fields("actor")) or "aucun champ défini"
                raise UserError(f"Champ personnalisé inconnu : « {key} » (champs : {known}).")
            out.append(criterion(field, op, value))
        except UserError as exc:
            raise UsageError(f"--field : {exc}") from None
    return tuple(out)


def _resolve_slug(value: str, known: dict[str, str]) -> str | None:
    from .text import fold
    if value in known:
        return value
    for slug, label in known.items():
        if fold(label) == fold(value) or fold(slug) == fold(value):
            return slug
    return None


def open_from_args(args: argparse.Namespace, *, read_only: bool = False):
    from .opening import open_catalogue
    catalogue = open_catalogue(getattr(args, "db", None), read_only=read_only)
    warning = catalogue.stale_warning()
    if warning:  # the data printed next may be out of date: say it before them
        print(f"eco-desktop : attention : {warning}", file=sys.stderr)
    return catalogue
