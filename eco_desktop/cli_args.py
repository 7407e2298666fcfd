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
from .filter import FOLLOWUP_BUCKETS, Filter


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
    group.add_argument("--near", metavar="LIEU",
                       help="à moins de --radius-km d'une commune (nom, « Saint-Denis (93) »), d'un code postal "
                            "ou d'un acteur (identifiant) ; les acteurs sans position ne sont pas comptés")
    group.add_argument("--radius-km", metavar="KM", help="rayon autour de --near, en km (défaut : 10)")
    group.add_argument("--within", metavar="FICHIER.geojson",
                       help="dans la zone d'un fichier GeoJSON (Polygon ou MultiPolygon, 5 Mio au plus)")
    mgp = group.add_mutually_exclusive_group()
    mgp.add_argument("--mgp", dest="mgp", action="store_const", const=True, default=None,
                     help="dans la Métropole du Grand Paris")
    mgp.add_argument("--no-mgp", dest="mgp", action="store_const", const=False, help="hors Métropole")
    group.add_argument("--has-contact", action="store_true", help="avec au moins un contact utilisable")
    group.add_argument("--call", metavar="NOM", default="", help="présélectionnés dans cet appel à projets")
    group.add_argument("--followup", action="append", default=[], choices=tuple(FOLLOWUP_BUCKETS),
                       help="suivi : relance en retard (overdue), aujourd'hui (today), cette semaine (week), "
                            "plus tard (later), sans relance (none)")
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
                 has_contact=args.has_contact, call=args.call or "", include_deleted=args.include_deleted,
                 followup=tuple(getattr(args, "followup", ())))
    flt = flt.with_area(area_from_args(args, catalogue))
    if flt.area is not None and catalogue is not None:
        say_area_left_out(catalogue, flt)
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


def area_from_args(args: argparse.Namespace, catalogue=None):
    """The Filter's area of ``--near PLACE [--radius-km N]`` or ``--within FILE.geojson``
    (None without them); a wrong place or file is a usage error in French."""
    near, within = getattr(args, "near", None), getattr(args, "within", None)
    radius_text = getattr(args, "radius_km", None)
    if near is None and within is None:
        if radius_text is not None:
            raise UsageError("--radius-km va avec --near LIEU.")
        return None
    if near is not None and within is not None:
        raise UsageError("Choisissez --near ou --within, pas les deux : un filtre n'a qu'une zone.")
    from .geo import places
    try:
        if within is not None:
            return places.read_geojson_area(within)
        radius = None
        if radius_text is not None:
            try:
                radius = float(str(radius_text).replace(",", "."))
            except ValueError:
                raise UsageError(f"--radius-km attend un nombre de km : « {str(radius_text)[:20]} ».") from None
        return places.near_area(near, radius, catalogue.get_actor if catalogue is not None else None)
    except UsageError:
        raise
    except UserError as exc:
        raise UsageError(str(exc)) from None


def say_area_left_out(catalogue, flt: Filter) -> None:
    """« 8 acteurs sans position ne sont pas comptés » on stderr: an area never holds
    them, and the output (a list, a file) must not look like all there is."""
    from . import french
    left = catalogue.area_left_out(flt)
    if left:
        verb = french.plural(left, "n'est pas compté", "ne sont pas comptés")
        print(f"eco-desktop : {french.count(left, 'acteur')} sans position {verb} dans la zone "
              f"({flt.area.describe()[0].lower()}{flt.area.describe()[1:]}).", file=sys.stderr)
