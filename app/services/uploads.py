"""Checking an uploaded file: its type by content, its size, its name."""
import re
import unicodedata
from dataclasses import dataclass

import filetype

from app.services.core.errors import ValidationError

# What we accept, recognized by content; each with the file name endings it may carry.
BINARY_TYPES = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}
TEXT_ENDINGS = ("", ".txt", ".log", ".out", ".err", ".csv", ".json", ".yaml", ".yml", ".md", ".conf", ".ini")
MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|script|svg|iframe|body|head)\b", re.I)


@dataclass
class CheckedFile:
    filename: str
    content_type: str
    data: bytes


def safe_filename(name) -> str:
    """The last path segment of *name*, with only letters, digits and a few marks kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if c.isalnum() or c in " ._-()+")
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ending = name.rpartition(".")
    if dot and len(ending) <= 10:
        return f"{stem[:200].strip(' .') or 'attachment'}.{ending}"
    return name[:200] or "attachment"


def _ending(filename: str) -> str:
    stem, dot, ending = filename.rpartition(".")
    return f".{ending.lower()}" if dot and stem else ""


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_upload(name, data: bytes, max_bytes: int) -> CheckedFile:
    """Return the checked file, or raise ValidationError saying what is wrong with it."""
    if len(data) > max_bytes:
        raise ValidationError({"file": f"The file is larger than {max_bytes // (1024 * 1024) or 1} MB."})
    if not data:
        raise ValidationError({"file": "The file is empty."})
    filename = safe_filename(name)
    ending = _ending(filename)
    kind = filetype.guess(data)
    if kind is not None and kind.mime in BINARY_TYPES:
        if ending not in BINARY_TYPES[kind.mime]:
            raise ValidationError({"file": f"The file's content is {kind.extension.upper()}, "
                                           f"but its name ends in {ending or 'nothing'}."})
        return CheckedFile(filename, kind.mime, data)
    if kind is None and _is_text(data) and not MARKUP.search(data[:4096]):
        if ending not in TEXT_ENDINGS:
            raise ValidationError({"file": f"The file is plain text, but its name ends in {ending}."})
        return CheckedFile(filename, "text/plain", data)
    raise ValidationError({"file": "Only PNG, JPEG, GIF and WebP images, PDF documents and plain "
                                   "text logs can be attached."})
