"""The catalogue file on a network filesystem, read from /proc/mounts."""
from __future__ import annotations

from eco_desktop.sync import netfs
from eco_desktop.sync.netfs import network_filesystem, network_warning

MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
//nas/equipe /mnt/equipe cifs rw,vers=3.0 0 0
nas:/export /mnt/nfs nfs4 rw 0 0
sshfs#claire@srv: /home/claire/srv fuse.sshfs rw 0 0
lxcfs /var/lib/lxcfs fuse.lxcfs rw 0 0
/dev/sdb1 /mnt/equipe/local\\040disk ext4 rw 0 0
"""


def test_network_types_by_mount_point():
    assert network_filesystem("/mnt/equipe/catalogue.sqlite", mounts=MOUNTS) == "cifs"
    assert network_filesystem("/mnt/nfs/a/b.sqlite", mounts=MOUNTS) == "nfs4"
    assert network_filesystem("/home/claire/srv/x.sqlite", mounts=MOUNTS) == "fuse.sshfs"
    assert network_filesystem("/home/claire/x.sqlite", mounts=MOUNTS) is None
    assert network_filesystem("/var/lib/lxcfs/x", mounts=MOUNTS) is None
    assert network_filesystem("/mnt/equipe/local disk/x.sqlite", mounts=MOUNTS) is None  # the deepest mount wins
    assert network_filesystem("/mnt/equipement/x.sqlite", mounts=MOUNTS) is None  # not a path prefix


def test_the_warning_points_to_sync(tmp_path, monkeypatch):
    path = tmp_path / "catalogue.sqlite"
    path.write_bytes(b"")
    assert network_warning(path) is None  # the tests' temporary folder is a local disk
    monkeypatch.setattr(netfs, "network_filesystem", lambda _path: "cifs")
    assert "partage réseau (cifs)" in netfs.network_warning(path)
    assert "Synchronisation" in netfs.network_warning(path)
