"""Vietnamese as data: the words, patterns and measures every stage reads.

- `vocab`: numbering, headings, document types, header phrases, signers' titles, orthography keys;
- `glyphs`: how wide Times New Roman sets each character, for the readers that measure lines;
- `legacy_fonts`: which legacy code (TCVN3, VNI) a font's name says it draws with, and its table.
"""
