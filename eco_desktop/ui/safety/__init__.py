"""Data safety in the window: backups, restore, the catalogue check, the read-only
banner, refreshing after another program's writes, and the RGPD actions on a contact."""
from .feature import Safety, install, offer_restore

__all__ = ["Safety", "install", "offer_restore"]
