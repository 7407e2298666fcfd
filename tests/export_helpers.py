"""Helpers of the export's tests (tests/export/, and the mailing list's in test_calls.py):
actor and contact dicts, sheets as dicts, a disk that fills up mid-file."""
from __future__ import annotations

import errno
import sys
import zipfile
from datetime import datetime

import pytest


def make_actor(id: int, **over) -> dict:
    actor = {
        "id": id, "name": f"Acteur {id}", "aliases": [], "kind": "biotech",
        "domains": ["gene_therapy", "cell_therapy"], "activities": ["research"],
        "tags": ["pépite"], "description": "Thérapies géniques AAV.",
        "website": f"https://www.acteur{id}.fr", "email": f"contact@acteur{id}.fr",
        "phone": "01 23 45 67 89", "siren": "012345678", "siret": "01234567800012",
        "naf": "72.11Z", "size": "PME", "founded": 2015, "status": "active",
        "street": "1 rue de l'Innovation", "postcode": "01000", "commune": "Évry-Courcouronnes",
        "insee_code": "01053", "departement": "91", "mgp": False, "ept": "", "epci": "200059228",
        "outside_idf": False, "lat": 48.63, "lon": 2.44, "geo_precision": "address",
        "source": "étude 2024", "created_at": "2026-11-27T10:15:00+00:00",
        "updated_at": "2026-11-28T16:45:00+00:00",
    }
    actor.update(over)
    return actor

def make_contact(id: int, actor_id: int, **over) -> dict:
    contact = {
        "id": id, "actor_id": actor_id, "civility": "Mme", "first_name": "Anne",
        "last_name": f"Martin{id}", "role": "Directrice", "email": f"anne{id}@exemple.fr",
        "phone": "06 12 34 56 78", "legal_basis": "consent", "basis_date": "2026-01-15",
        "opt_out": False, "notes": "", "created_at": "", "updated_at": "",
    }
    contact.update(over)
    return contact

def local(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone().replace(tzinfo=None)

def sheet_dicts(ws) -> list[dict]:
    rows = list(ws.iter_rows())
    headers = [c.value for c in rows[0]]
    return [dict(zip(headers, row)) for row in rows[1:]]

class _FullDisk:
    """A zip archive's file on a disk that fills up after ``room`` bytes and stays full."""

    def __init__(self, fp, room: int) -> None:
        self._fp = fp
        self._room = room

    def write(self, data):
        if len(data) > self._room:
            self._room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return self._fp.write(data)

    def __getattr__(self, name):
        return getattr(self._fp, name)

def fill_zip_disks(patch=setattr, room: int = 3000) -> None:
    """From now on, every zip archive written fills its disk after ``room`` bytes.
    ``patch`` is ``setattr`` in a subprocess, ``monkeypatch.setattr`` in a test."""
    real_init = zipfile.ZipFile.__init__

    def init(self, file, mode="r", *args, **kwargs):
        real_init(self, file, mode, *args, **kwargs)
        if mode == "w":
            self.fp = _FullDisk(self.fp, room)
    patch(zipfile.ZipFile, "__init__", init)

@pytest.fixture
def full_disk(monkeypatch):
    """Every zip written fills the disk after 3,000 bytes; unraisable exceptions (what
    ``ZipFile.__del__`` prints as « Exception ignored in ») are collected."""
    fill_zip_disks(monkeypatch.setattr)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    return unraisable
