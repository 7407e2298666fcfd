"""Render the erasure preview (RGPD) offscreen and save it as a PNG.

    QT_QPA_PLATFORM=offscreen python tools/screenshot_erase.py [docs/screenshots/erase-preview.png]

A fresh catalogue from the bundled dataset in a temporary folder, with one backup, and a
contact named in an exchange, a colleague's note, a tag and a saved view, whose phone is
her organisation's switchboard: the dialog lists each place, the value kept and the backup.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots/erase-preview.png")
    tmp = Path(tempfile.mkdtemp(prefix="eco-shot-erase-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")  # backups never go to the user's folder

    from eco_desktop.ui.app import create_application
    app = create_application()

    from eco_desktop import backup
    from eco_desktop.catalogue import privacy
    from eco_desktop.filter import Filter
    from eco_desktop.catalogue import Catalogue
    from eco_desktop.ui.safety.erase import ErasePreviewDialog

    catalogue = Catalogue.create(tmp / "catalogue.sqlite")
    ids = catalogue.actor_ids()
    catalogue.update_actor(ids[0], {"phone": "01 23 45 67 89"})
    contact_id = catalogue.add_contact(ids[0], {"civility": "Mme", "first_name": "Zéphyrine",
                                                "last_name": "Quillebeuf", "email": "z.quillebeuf@exemple.fr",
                                                "phone": "01 23 45 67 89", "legal_basis": "consent"})
    catalogue.add_exchange(ids[0], date="2024-02-01", kind="meeting",
                           text="Rendez-vous avec Mme Quillebeuf : projet de thérapie génique.")
    catalogue.add_contact(ids[1], {"first_name": "Paul", "last_name": "Durand",
                                   "notes": "remplace Zéphyrine Quillebeuf en juillet"})
    catalogue.update_actor(ids[2], {"tags": ["Zéphyrine Quillebeuf", "suivi"]})
    catalogue.save_view("Suivi Zéphyrine Quillebeuf", Filter(text="quillebeuf zéphyrine"))
    backup.backup_now(catalogue)
    plan = privacy.preview_erasure(catalogue, contact_id)
    dialog = ErasePreviewDialog(plan, privacy.backups_holding(catalogue.path, plan.contact))
    dialog.show()
    for _ in range(20):
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = dialog.grab().save(str(out))
    dialog.close()
    catalogue.close()
    print(out if ok else "capture impossible", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
