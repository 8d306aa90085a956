"""Vietnamese plan documents → Parquet tables.

    from pipeline import parse_document, parse_paths, write_tables
"""

from .run import PARSER_VERSION, parse_document, parse_paths
from .schemas import SCHEMAS
from .write import write_tables

__all__ = ["PARSER_VERSION", "SCHEMAS", "parse_document", "parse_paths", "write_tables"]
