"""errors.os_error_text: the French reason for an OSError, never the system's English text."""
import errno

import pytest

from eco_desktop.errors import os_error_text


@pytest.mark.parametrize("code, reason", [
    (errno.ENOENT, "fichier ou dossier introuvable"),
    (errno.EISDIR, "c'est un dossier"),
    (errno.EACCES, "permission refusée"),
    (errno.EPERM, "permission refusée"),
    (errno.ENOSPC, "disque plein"),
    (errno.EROFS, "support en lecture seule"),
    (errno.ENAMETOOLONG, "nom de fichier trop long"),
    (errno.EEXIST, "le fichier existe déjà"),
    (errno.ENOTDIR, "un élément du chemin n'est pas un dossier"),
    (errno.EBUSY, "fichier ou support occupé par un autre programme"),
])
def test_known_codes_are_french(code, reason):
    assert os_error_text(OSError(code, "English strerror")) == reason


def test_subclasses_from_real_calls(tmp_path):
    with pytest.raises(OSError) as missing:
        open(tmp_path / "absent.txt")
    assert os_error_text(missing.value) == "fichier ou dossier introuvable"
    with pytest.raises(OSError) as folder:
        open(tmp_path)
    assert os_error_text(folder.value) == "c'est un dossier"


def test_unknown_code_and_no_code():
    assert os_error_text(OSError(123456, "Weird")) == "erreur du système (code 123456)"
    assert os_error_text(OSError("Bad magic number")) == "erreur du système"


def test_sqlite_errors_reach_the_user_without_sqlite_english(tmp_path):
    import sqlite3

    from eco_desktop import db

    conn = sqlite3.connect(tmp_path / "x.sqlite")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("SELECT * FROM nulle_part")
    conn.close()
    message = str(db.translate_error(caught.value, tmp_path / "x.sqlite"))
    assert message == "Erreur de la base de données sur « x.sqlite » (code SQLITE_ERROR)."
    for english, french in (("disk I/O error", "Erreur de lecture ou d'écriture sur le disque"),
                            ("out of memory", "Mémoire insuffisante"),
                            ("interrupted", "Opération interrompue"),
                            ("string or blob too big", "trop grande")):
        message = str(db.translate_error(sqlite3.OperationalError(english), "c.sqlite"))
        assert french in message and english not in message


def test_a_corrupt_catalogue_is_a_damaged_catalogue_error(tmp_path):
    """The window branches on the type (offer a backup), not on words of the sentence."""
    from eco_desktop.errors import DamagedCatalogue
    from eco_desktop.catalogue import Catalogue
    path = tmp_path / "cat.sqlite"
    Catalogue.create(path).close()
    data = bytearray(path.read_bytes())
    data[100:len(data) - 100] = b"\xff" * (len(data) - 200)   # the header stays: SQLite, but garbage
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedCatalogue) as caught:
        Catalogue.open(path).close()
    assert "endommagé" in str(caught.value)
