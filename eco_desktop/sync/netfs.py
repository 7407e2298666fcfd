"""Is the catalogue file itself on a network filesystem? SQLite's locking is unreliable
over SMB/NFS (its documentation says so), so the window warns and points to sync.

Linux: the longest mount point of ``/proc/mounts`` holding the file, by type. Windows:
a UNC path, or a drive the system calls remote. Elsewhere (macOS) nothing is said.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["NETWORK_TYPES", "network_filesystem", "network_warning"]

NETWORK_TYPES = frozenset({"cifs", "smb", "smb2", "smb3", "smbfs", "nfs", "nfs4", "afs", "ncpfs", "9p",
                           "davfs", "coda", "ceph", "glusterfs", "lustre", "gpfs", "sshfs", "fuse.sshfs"})
# FUSE filesystems are mostly network ones (sshfs, rclone, gvfs, s3fs…); these are local.
_LOCAL_FUSE = frozenset({"fuse.portal", "fuse.lxcfs", "fuse.gocryptfs", "fuse.encfs", "fuse.appimagefs",
                         "fuse.bindfs", "fuse.squashfuse", "fuse.mergerfs", "fuse.fuse-overlayfs"})


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040, a tab as \\011, a backslash as \\134."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def is_network_type(fstype: str) -> bool:
    return fstype in NETWORK_TYPES or (fstype.startswith("fuse.") and fstype not in _LOCAL_FUSE)


def _linux_type(path: Path, mounts: str) -> str | None:
    best, best_type = "", None
    target = str(path)
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape(parts[1]), parts[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type


def _windows_remote(path: Path) -> bool:
    text = str(path)
    if text.startswith("\\\\"):
        return True
    import ctypes
    drive = os.path.splitdrive(text)[0]
    return bool(drive) and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # DRIVE_REMOTE


def network_filesystem(path: str | os.PathLike, *, mounts: str | None = None) -> str | None:
    """The network filesystem's type holding ``path`` (« cifs », « nfs4 », « réseau » on
    Windows), None on a local disk or when it cannot be told."""
    resolved = Path(os.path.realpath(path))
    if sys.platform == "win32":
        return "réseau" if _windows_remote(resolved) else None
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    fstype = _linux_type(resolved, mounts)
    return fstype if fstype is not None and is_network_type(fstype) else None


def network_warning(path: str | os.PathLike) -> str | None:
    """The French warning for a catalogue on a network filesystem, None otherwise."""
    fstype = network_filesystem(path)
    if fstype is None:
        return None
    return (f"Ce catalogue est ouvert depuis un partage réseau ({fstype}). SQLite n'y garantit pas le "
            "verrouillage : deux personnes qui l'ouvrent en même temps peuvent l'abîmer. Copiez le fichier "
            "sur votre ordinateur et partagez-le plutôt par Fichier → Synchronisation… (dossier partagé ou "
            "serveur WebDAV).")
