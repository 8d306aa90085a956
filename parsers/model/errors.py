"""The documented failures: each stops one document with a one-line reason.

A batch catches these (and only these) per file; anything else is a bug and
is reported as one, with its traceback.
"""

from __future__ import annotations


class DocumentError(Exception):
    """A document that cannot be parsed, and why, in one line."""

    code = "unreadable"
    stage = "extract"

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnreadableFile(DocumentError):
    code = "unreadable"


class NotAPdf(DocumentError):
    code = "not_pdf"


class EncryptedPdf(DocumentError):
    code = "encrypted"


class NoTextLayer(DocumentError):
    code = "no_text_layer"


class OcrUnavailable(DocumentError):
    code = "ocr_unavailable"


class EmptyDocument(DocumentError):
    code = "empty"


class LegacyEncoding(DocumentError):
    code = "encoding"


class TooLarge(DocumentError):
    code = "too_large"


class DamagedText(DocumentError):
    code = "damaged_text"
    stage = "clean"


class NotADocument(DocumentError):
    """Text that is no administrative document at all (an article, a web page of something else)."""

    code = "not_a_document"
    stage = "outline"
