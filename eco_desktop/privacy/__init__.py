"""Personal data of contacts (RGPD): export everything held about a person
(``person_export``), erase a person everywhere after showing each place that will
change (``erase``, matching by ``matching``), and list the contacts not updated for
years (``review``).
"""
from __future__ import annotations

from .erase import (Erasure, Kept, Place, Plan, Purge, BackupHolding, backups_holding, display_name,
                    erase_in_backups, erase_person, preview_erasure, purge_file)
from .matching import REDACTED, Person
from .person_export import export_person, person_record
from .review import contacts_to_review

__all__ = ["REDACTED", "BackupHolding", "Erasure", "Kept", "Person", "Place", "Plan", "Purge",
           "backups_holding", "contacts_to_review", "display_name", "erase_in_backups", "erase_person",
           "export_person", "person_record", "preview_erasure", "purge_file"]
