"""Team sync outside the catalogue: the shared place (a folder or a WebDAV server), the
log of changeset files in it, and the runs (sync, join, status).

The catalogue's engine (:mod:`eco_desktop.catalogue.sync`) makes and applies the bytes;
this package only moves them: :mod:`.place` and :mod:`.webdav` (where), :mod:`.config`
(the place as given once, remembered in the catalogue), :mod:`.credentials` (the WebDAV
password in the keyring), :mod:`.log` (which file is which, snapshots, the erasure
rewrite), :mod:`.run` (in what order, and what survives a kill; :mod:`.killpoints` are
where the crash tests kill it), :mod:`.netfs` (is the catalogue itself on a network
share?).
"""
