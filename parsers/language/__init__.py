"""Vietnamese as data: the words, patterns and measures every stage reads.

- `vocab`: numbering, headings, document types, header phrases, signers' titles, orthography keys;
- `glyphs`: how wide Times New Roman sets each character, for the readers that measure lines.
"""
