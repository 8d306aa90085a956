"""Staged parsers for Vietnamese local-government plan documents.

Each stage is a function from plain records to plain records:
read.extract → structure.clean → structure.outline → tables.appendix → project → enrich
(→ facts.resolve across a batch). The folders group the modules by role: `model` (records),
`language` (vocabulary as data), `read`, `structure`, `tables` and `facts`; `project` and `enrich`
are the two stages that take the whole document.
"""
