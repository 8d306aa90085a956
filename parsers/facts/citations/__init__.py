"""Citations of legal documents in running text.

A citation reads `Nghị định số 108/2014/NĐ-CP ngày 20/11/2014 của Chính phủ
về …`: type, number, date, issuer, subject. Any part but the code may be
missing, the date may follow the issuer, the code may be mistyped (`QĐ – TTg`,
`NQ -CP`) or broken across a line (`NĐ- CP`). A citation is therefore anchored
on its document number (or, for a law cited by name, on `Luật` and the name);
its date, issuer and subject are read from the words that follow, up to the
next citation. Patterns run on NFC text with look-alike letters folded
(`TT-BTС` typed with a Cyrillic С reads as `TT-BTC`); offsets and `raw` refer to
the NFC form of the input, which is the input itself for text that
parsers.structure.clean produced.

Numbers are kept as printed, leading zeros too (`004/2025/TT-BNV`, `02125/QĐ-UBND`):
that is how the document is cited; parsers.facts.resolve compares numbers without them.
Codes are normalised: spaces and look-alike letters out, a missing hyphen put back
where the type code is certain (`NĐCP` → `NĐ-CP`, `TTBTC` → `TT-BTC`).

Its modules:
- `vocabulary`: the words and codes citations are written in (type and issuer codes, type words,
  what ends a law's name or an issuer);
- `patterns`: the patterns built from them (a document number, a law cited by name, a date, an issuer);
- `find`: the citations of a text (`find_citations`, `Citation`), read from the words around each anchor;
- `keys`: what compares citations: a code normalised (`normalise_code`) and the numbers that look like
  one document cited under two (`conflicting_numbers`).
"""
