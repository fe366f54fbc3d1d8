"""Upload checks on their own: names, types by content, sizes."""
import pytest

from app.services.core.errors import ValidationError
from app.services.uploads import check_upload, safe_filename
from app.storage import LocalStorage


@pytest.mark.parametrize("name,safe", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("C:\\Users\\me\\Desktop\\shot.png", "shot.png"),
    ("  .bashrc", "bashrc"),
    ("", "attachment"),
    ("....", "attachment"),
    ("résumé (1).pdf", "résumé (1).pdf"),
    ("a\x00b\x1b[31m.log", "ab31m.log"),
    ("x" * 300 + ".png", "x" * 200 + ".png"),
])
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_the_content_decides_not_the_name():
    assert check_upload("a.log", b"hello\n", 100).content_type == "text/plain"
    with pytest.raises(ValidationError, match="Only PNG"):
        check_upload("a.png", b"MZ\x90\x00" + b"\x00" * 64, 1000)
    with pytest.raises(ValidationError, match="larger than"):
        check_upload("a.log", b"x" * 101, 100)


@pytest.mark.parametrize("key", ["../../etc/passwd", "", "ABC", "a" * 31, "a" * 32 + "/x", None])
def test_storage_refuses_keys_that_are_not_ours(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).open(key)


def test_storage_round_trip(tmp_path):
    store = LocalStorage(tmp_path)
    store.save("ab" * 16, b"data")
    assert store.open("ab" * 16).read() == b"data"
    store.delete("ab" * 16)
    store.delete("ab" * 16)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
