"""Personal data of contacts (RGPD): export everything held about a person
(``person_export``), erase a person everywhere after showing each place that will
change (``erase``: ``matching`` recognises them, ``plan`` finds each place, ``purge``
rewrites the file, ``backups`` does the same in the copies), and list the contacts not
updated for years (``review``).
"""
from __future__ import annotations

from .backups import BackupHolding, backups_holding, erase_in_backups
from .erase import Erasure, erase_person, preview_erasure
from .matching import REDACTED, Person
from .person_export import export_person, person_record
from .plan import Kept, Place, Plan, display_name
from .purge import Purge, purge_file
from .review import contacts_to_review

__all__ = ["REDACTED", "BackupHolding", "Erasure", "Kept", "Person", "Place", "Plan", "Purge",
           "backups_holding", "contacts_to_review", "display_name", "erase_in_backups", "erase_person",
           "export_person", "person_record", "preview_erasure", "purge_file"]
