"""eco-desktop sync [--folder PATH | --url URL --user NAME] [--member NAME] | sync status |
sync conflicts [--format json] | sync join PLACE -o NEW.sqlite"""
from __future__ import annotations

import getpass
import json
import sys

from .. import french
from ..catalogue import Catalogue
from ..cli_args import UsageError, open_from_args
from ..sync import config, credentials, run as runs
from ..sync.place import Offline
from ..terminal import printable
from .list import print_table


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "sync", parents=[parents["db"]], help="synchroniser le catalogue avec l'équipe (dossier partagé ou WebDAV)",
        description="Sans ACTION, synchronise maintenant : reçoit ce que les autres membres ont publié dans "
                    "le dossier partagé, puis envoie les modifications de ce catalogue. Le dossier (ou l'adresse "
                    "WebDAV et l'utilisateur) donné une fois est retenu dans le catalogue ; le mot de passe WebDAV "
                    "est gardé dans le trousseau du système quand il y en a un, sinon il est demandé à chaque fois "
                    "(ou lu sur l'entrée standard avec --password-stdin). Code de sortie 1 hors ligne ou en cas d'erreur (les modifications "
                    "restent en attente).")
    _place_options(parser)
    parser.add_argument("--member", metavar="NOM", help="votre nom dans l'historique de l'équipe (« Claire, Région »)")
    parser.set_defaults(handler=run_sync)
    sub = parser.add_subparsers(dest="sync_command", metavar="ACTION", parser_class=type(parser))

    p = sub.add_parser("status", parents=[parents["db"]], help="état : modifications en attente, dernière synchronisation")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run_status)

    p = sub.add_parser("conflicts", parents=[parents["db"]], help="conflits à revoir (même champ modifié des deux côtés)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--all", action="store_true", help="aussi les conflits déjà revus")
    p.set_defaults(handler=run_conflicts)

    p = sub.add_parser("join", help="rejoindre l'équipe : un nouveau catalogue à partir du dossier partagé",
                       description="Crée un nouveau catalogue à partir du dernier instantané du dossier partagé et "
                                   "des modifications publiées depuis.")
    p.add_argument("place", metavar="DOSSIER_OU_URL", help="dossier partagé, ou adresse WebDAV (https://…)")
    p.add_argument("-o", "--output", metavar="NOUVEAU.sqlite", required=True, help="catalogue à créer")
    p.add_argument("--user", metavar="NOM", default="", help="utilisateur WebDAV")
    p.add_argument("--password-stdin", action="store_true", help="lire le mot de passe WebDAV sur l'entrée standard")
    p.add_argument("--member", metavar="NOM", default="", help="votre nom dans l'historique de l'équipe")
    p.set_defaults(handler=run_join)


def _place_options(parser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--folder", metavar="DOSSIER", help="dossier partagé (partage réseau, dossier Nextcloud, clé USB)")
    where.add_argument("--url", metavar="URL", help="adresse WebDAV du dossier partagé (https://…)")
    parser.add_argument("--user", metavar="NOM", default="", help="utilisateur WebDAV")
    parser.add_argument("--password-stdin", action="store_true",
                        help="lire le mot de passe WebDAV sur l'entrée standard (une ligne)")


def _password(args, spec: config.PlaceSpec) -> str | None:
    """The password read on stdin, or typed at a terminal when the keyring has none (kept
    in the keyring when there is one); None: the place takes the keyring's."""
    if spec.kind != "webdav":
        return None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin : aucun mot de passe lu sur l'entrée standard.")
    elif credentials.load(spec.location, spec.user) is None and sys.stdin.isatty():
        password = getpass.getpass(f"Mot de passe WebDAV de {spec.user} ({spec.location}) : ")
        if not password:
            raise UsageError("Aucun mot de passe saisi.")
    else:
        return None
    if not credentials.save(spec.location, spec.user, password):
        print(f"eco-desktop : {credentials.NO_KEYRING}", file=sys.stderr)
    return password


def _spec(args, catalogue) -> config.PlaceSpec:
    if args.folder:
        return config.PlaceSpec("folder", args.folder)
    if args.url:
        return config.PlaceSpec("webdav", args.url, args.user)
    spec = config.remembered(catalogue)
    if spec is None:
        raise UsageError("Indiquez le dossier partagé (--folder DOSSIER) ou le serveur WebDAV "
                         "(--url URL --user NOM) : ce catalogue n'est pas encore synchronisé.")
    if args.user and spec.kind == "webdav" and args.user != spec.user:
        spec = config.PlaceSpec("webdav", spec.location, args.user)
    return spec


def _close(place) -> None:
    """A WebDAV place's connection closed (a folder has none)."""
    close = getattr(place, "close", None)
    if close is not None:
        close()


def run_sync(args) -> int:
    with open_from_args(args) as catalogue:
        spec = _spec(args, catalogue)
        place = spec.open(_password(args, spec))
        if args.member:
            catalogue.set_member(args.member)
        progress = _Progress()
        try:
            report = runs.sync(catalogue, place, progress=progress)
        except Offline as exc:
            pending = catalogue.pending_count()
            print(printable(f"eco-desktop : {exc} {french.count(pending, 'modification')} en attente."),
                  file=sys.stderr)
            return 1
        finally:
            progress.end()
            _close(place)
        config.remember(catalogue, spec)
    return _print_report(report)


def _print_report(report: runs.Report) -> int:
    """The report on stdout, the files not applied on stderr (exit 1: they wait)."""
    for line in report.lines():
        if line not in report.refused:
            print(printable(line))
    for line in report.refused:
        print(printable(f"eco-desktop : {line}"), file=sys.stderr)
    return 1 if report.refused else 0


class _Progress:
    """« 3/12 » on stderr while a long pull runs, when stderr is a terminal; :meth:`end`
    ends its line."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total > 5 and sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)
            self.shown = True

    def end(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def run_status(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        status = runs.status(catalogue)
    if args.format == "json":
        json.dump(status.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for line in status.lines():
            print(printable(line))
    return 0


def run_conflicts(args) -> int:
    with open_from_args(args, read_only=True) as catalogue:
        conflicts = catalogue.conflicts(open_only=not args.all)
    if args.format == "json":
        json.dump([runs.conflict_to_json(c) for c in conflicts], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if not conflicts:
        print("Aucun conflit à revoir." if not args.all else "Aucun conflit.")
        return 0
    rows = [runs.conflict_row(c) for c in conflicts]
    print_table(("Id", "Fiche", "Champ", "Ma valeur", "Leur valeur", "De", "Le", "Retenue"), rows, max_width=30)
    print(f"{french.count(len(conflicts), 'conflit')}" + (" à revoir." if not args.all else "."))
    return 0


def run_join(args) -> int:
    spec = config.spec_from_text(args.place, args.user)
    place = spec.open(_password(args, spec))
    progress = _Progress()
    try:
        report = runs.join(place, args.output, member=args.member, progress=progress)
    finally:
        progress.end()
        _close(place)
    with Catalogue.open(report.path) as catalogue:
        config.remember(catalogue, spec)
    return _print_report(report)
