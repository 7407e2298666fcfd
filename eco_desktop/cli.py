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
from .cli_args import UsageError, filter_parent
from .errors import UserError, os_error_text
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


def add_db_option(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--db", metavar="PATH", default=default, help="fichier catalogue (.sqlite) à utiliser")


def db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand without --db must not overwrite the one given before its name
    # (« eco-desktop --db X list » silently used the default catalogue).
    add_db_option(parent, default=argparse.SUPPRESS)
    return parent


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
