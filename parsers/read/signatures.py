"""The digital signatures of a PDF: who signed, when, where on the page, and whether the signed bytes are intact.

Offices sign in their e-office with certificates of the Government's CA; one file may carry several
signatures (the author's, the clerk's number and day stamped into the header's blanks, the e-seal, a later
certified copy). Each is a signature field (`/FT /Sig`) whose value holds the signing time (`/M`), the
application (`/Prop_Build`), `/Reason`, `/Location`, the byte ranges it signs and a PKCS#7 (CMS) blob.

The blob is read with asn1crypto (the CMS structures) and checked with cryptography, offline:
- `intact`: the digest of the signed byte ranges is the one the signature's signed attributes hold;
- `valid`: the signature over those attributes verifies with the signing certificate's public key.
No certificate chain, revocation list or OCSP is consulted: a valid signature says the bytes are those the
holder of that certificate signed, not that the certificate was trustworthy then.
`covers_whole_file`: the ranges reach the file's end, so nothing was appended after signing (a later
signature or edit appends an incremental update, which the earlier signatures do not cover).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from parsers.model.records import Box, Signature

SIGNATURE_FIELD = "Sig"
# The fields of a form are a tree (`/Kids`): how deep it is walked, against a file whose tree loops.
MAX_FIELD_DEPTH = 16


def read_signatures(pdf: Any, data: bytes) -> tuple[Signature, ...]:
    """The signatures of a pdfplumber PDF opened on `data`, in the order of the form's fields. A signature
    that cannot be read whole keeps what could be (its check None): it never stops the document."""
    from pdfminer.pdftypes import resolve1

    form = resolve1(pdf.doc.catalog.get("AcroForm"))
    if not isinstance(form, dict):
        return ()
    pages = {page.page_obj.pageid: page.page_number for page in pdf.pages}
    heights = {page.page_number: float(page.height) for page in pdf.pages}
    out = []
    for field, name in _fields(resolve1(form.get("Fields")), "", 0):
        value = resolve1(field.get("V"))
        if _name(resolve1(field.get("FT"))) != SIGNATURE_FIELD or not isinstance(value, dict):
            continue
        page_ref = field.get("P")
        page = pages.get(getattr(page_ref, "objid", None))
        out.append(_signature(name, page, _box(resolve1(field.get("Rect")), heights.get(page or 0)), value, data))
    return tuple(out)


def _fields(fields: Any, prefix: str, depth: int):
    """(field, its full name) of every terminal field under `fields`."""
    from pdfminer.pdftypes import resolve1

    if not isinstance(fields, list) or depth > MAX_FIELD_DEPTH:
        return
    for ref in fields:
        field = resolve1(ref)
        if not isinstance(field, dict):
            continue
        part = _text(resolve1(field.get("T")))
        name = f"{prefix}.{part}" if prefix and part else prefix or part
        kids = resolve1(field.get("Kids"))
        if isinstance(kids, list) and any(isinstance(resolve1(k), dict) and "T" in resolve1(k) for k in kids):
            yield from _fields(kids, name, depth + 1)
        else:
            yield field, name


def _signature(name: str, page: int | None, box: Box | None, value: dict, data: bytes) -> Signature:
    from pdfminer.pdftypes import resolve1

    build = resolve1(value.get("Prop_Build"))
    app = resolve1(build.get("App")) if isinstance(build, dict) else None
    application = _name(resolve1(app.get("Name"))) if isinstance(app, dict) else None
    ranges = resolve1(value.get("ByteRange"))
    contents = resolve1(value.get("Contents"))
    covers = None
    signed = b""
    if isinstance(ranges, list) and len(ranges) % 2 == 0 and all(isinstance(v, int) for v in ranges):
        covers = ranges[-2] + ranges[-1] == len(data)
        signed = b"".join(data[start:start + length] for start, length in zip(ranges[::2], ranges[1::2]))
    organisation = signer = None
    intact = valid = None
    if isinstance(contents, bytes):
        organisation, signer, intact, valid = _check(contents, signed)
    return Signature(
        field_name=name or None, page=page, box=box, signed_at=_when(_text(resolve1(value.get("M")))),
        organisation=organisation, signer=signer, reason=_text(resolve1(value.get("Reason"))) or None,
        location=_text(resolve1(value.get("Location"))) or None, application=application,
        covers_whole_file=covers, intact=intact if signed else None, valid=valid if signed else None)


def _check(contents: bytes, signed: bytes) -> tuple[str | None, str | None, bool | None, bool | None]:
    """(organisation, name) of the signing certificate's subject, and whether the signed bytes' digest and
    the signature verify: None where the blob is not a CMS SignedData these can be read from."""
    from asn1crypto import cms

    try:
        content = cms.ContentInfo.load(contents.rstrip(b"\x00"))["content"]
        signer_info = content["signer_infos"][0]
        certificate = _signing_certificate(content, signer_info)
    except (ValueError, TypeError, KeyError, IndexError):
        return None, None, None, None
    subject = certificate.subject.native if certificate is not None else {}
    organisation, name = _one(subject.get("organization_name")), _one(subject.get("common_name"))
    try:
        algorithm = signer_info["digest_algorithm"]["algorithm"].native
        attributes = signer_info["signed_attrs"]
        digests = [a["values"][0].native for a in attributes if a["type"].native == "message_digest"]
        intact = bool(digests) and hashlib.new(algorithm, signed).digest() == digests[0]
    except (ValueError, TypeError, KeyError, IndexError):
        return organisation, name, None, None
    return organisation, name, intact, _verifies(certificate, signer_info, algorithm)


def _signing_certificate(content: Any, signer_info: Any) -> Any:
    certificates = [c.chosen for c in content["certificates"] or [] if c.name == "certificate"]
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        serial = sid.chosen["serial_number"].native
        return next((c for c in certificates if c.serial_number == serial), None)
    key_id = sid.chosen.native
    return next((c for c in certificates if c.key_identifier == key_id), None)


def _verifies(certificate: Any, signer_info: Any, algorithm: str) -> bool | None:
    """Does the signature over the signed attributes verify with the certificate's public key?"""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.x509 import load_der_x509_certificate

    if certificate is None:
        return None
    hashes_by_name: dict[str, hashes.HashAlgorithm] = {"sha1": hashes.SHA1(), "sha256": hashes.SHA256(),
                                                        "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}
    hash_algorithm = hashes_by_name.get(algorithm)
    if hash_algorithm is None:
        return None
    # The attributes are signed as a SET (tag 0x31), the form they have before the CMS tags them [0].
    attributes = signer_info["signed_attrs"].dump()
    message = b"\x31" + attributes[1:]
    signature = signer_info["signature"].native
    key = load_der_x509_certificate(certificate.dump()).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(hash_algorithm))
        else:
            return None
    except InvalidSignature:
        return False
    return True


def _when(text: str) -> dt.datetime | None:
    """A PDF date (`D:20201112065745+07'00'`) as an aware datetime in UTC; None where it is not one."""
    digits = text.removeprefix("D:")
    try:
        moment = dt.datetime.strptime(digits[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    zone = digits[14:].replace("'", "")
    offset = dt.timedelta(0)
    if zone[:1] in "+-" and len(zone) >= 3 and zone[1:].isdigit():
        hours, minutes = int(zone[1:3]), int(zone[3:5] or 0)
        offset = (1 if zone[0] == "+" else -1) * dt.timedelta(hours=hours, minutes=minutes)
    return (moment - offset).replace(tzinfo=dt.UTC)


def _box(rect: Any, height: float | None) -> Box | None:
    if not (isinstance(rect, list) and len(rect) == 4 and height) or not all(
            isinstance(v, (int, float)) for v in rect):
        return None
    x0, y0, x1, y1 = (float(v) for v in rect)
    return Box(round(min(x0, x1), 2), round(height - max(y0, y1), 2), round(max(x0, x1), 2),
               round(height - min(y0, y1), 2))


def _text(value: Any) -> str:
    """A PDF string: UTF-16 with its byte order mark, else PDFDocEncoding (Latin-1 for the letters used)."""
    if isinstance(value, bytes):
        if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
            return value.decode("utf-16", "replace")
        return value.decode("latin-1")
    return "" if value is None else str(value)


def _name(value: Any) -> str | None:
    name = getattr(value, "name", None)
    return name if isinstance(name, str) else None


def _one(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None
