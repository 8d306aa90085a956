"""Stages 2 and 3: lines into paragraphs, paragraphs into an outline, and the header read off it.

- `clean`: Unicode and spacing normalised, wrapped lines joined, damaged text refused;
- `site`: the furniture of a legal-database page set apart from the document it wraps;
- `outline`: paragraphs into a tree of numbered nodes (parts, articles, sections, items, bullets);
- `header`: the document's type, number, date, issuer and signer, read from the outline.
"""
