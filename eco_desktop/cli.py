"""The ``eco-desktop`` command: a thin layer over the core.

Without a subcommand it opens the window. Each subcommand lives in
``eco_desktop/commands/<name>.py`` with ``register(subparsers, parents)``; its
handler receives the parsed arguments and returns an exit code. Exit 0 success,
1 error (a French sentence on stderr), 2 usage error; never a traceback (those go
to the log file).
"""
from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import re
import sys
from typing import Sequence

from . import __version__, commands
from .errors import UserError, os_error_text
from .filter import Filter
from .logs import log_path, setup_logging
from .terminal import printable

log = logging.getLogger(__name__)

_ARGPARSE_FR = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"argument \1 : choix invalide \2 (possibles : \3)"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (\S+): not allowed with argument (\S+)", r"argument \1 : incompatible avec \2"),
]


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D102 - argparse API
        return super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse speaking French: headings, -h, usage and error messages."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="afficher cette aide et quitter")

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        for pattern, replacement in _ARGPARSE_FR:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur d'utilisation : {message}\n")


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


def add_db_option(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--db", metavar="PATH", default=default, help="fichier catalogue (.sqlite) à utiliser")


def db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand without --db must not overwrite the one given before its name
    # (« eco-desktop --db X list » silently used the default catalogue).
    add_db_option(parent, default=argparse.SUPPRESS)
    return parent


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
    return flt


def _resolve_slug(value: str, known: dict[str, str]) -> str | None:
    from .text import fold
    if value in known:
        return value
    for slug, label in known.items():
        if fold(label) == fold(value) or fold(slug) == fold(value):
            return slug
    return None


def open_from_args(args: argparse.Namespace, *, read_only: bool = False):
    from .db import stale_warning
    from .opening import open_catalogue
    catalogue = open_catalogue(getattr(args, "db", None), read_only=read_only)
    warning = stale_warning(catalogue.conn)
    if warning:  # the data printed next may be out of date: say it before them
        print(f"eco-desktop : attention : {warning}", file=sys.stderr)
    return catalogue


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="eco-desktop",
        description="Catalogue de l'écosystème des biothérapies et de la bioproduction en Île-de-France. "
                    "Sans sous-commande : ouvre la fenêtre.")
    parser.add_argument("--version", action="version", version=f"eco-desktop {__version__}",
                        help="afficher la version et quitter")
    add_db_option(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchArgumentParser)
    parents = {"db": db_parent(), "filters": filter_parent()}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers, parents)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from .ui.app import run_app
            return run_app(db=args.db)
        return int(args.handler(args) or 0)
    except UsageError as exc:
        print(f"eco-desktop : {printable(exc, multiline=True)}", file=sys.stderr)
        return 2
    except UserError as exc:  # its sentence may quote record text or a file name
        print(f"eco-desktop : {printable(exc, multiline=True)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("eco-desktop : interrompu.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file failure no sentence was written for: still French, never strerror
        log.exception("untranslated OSError in %s", args.command)
        where = f" « {printable(exc.filename)} »" if exc.filename else ""
        print(f"eco-desktop : erreur d'accès au fichier{where} : {os_error_text(exc)}. "
              f"Le détail technique est dans le journal : {log_path()}", file=sys.stderr)
        return 1
    except Exception:  # the unexpected: traceback to the log, a sentence to the user
        log.exception("unexpected error in %s", args.command)
        print("eco-desktop : erreur inattendue. Le détail technique est dans le journal : "
              f"{log_path()}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
