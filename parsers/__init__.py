"""Staged parsers for Vietnamese local-government plan documents.

extract → clean → outline → tables; each stage a function from records to records.
"""
