"""Golden files: the expected tables of known documents, one JSON object a row.

    make golden        # rewrite them after a deliberate parser change, then review `git diff tests/golden`
"""

from __future__ import annotations

import json
from pathlib import Path

GOLDEN = Path("tests/golden")


def golden_dir(source: Path) -> Path:
    return GOLDEN / source.name.replace(".", "_")


def to_json(value) -> str:
    """One row as stored: dates as ISO strings, everything else as JSON has it."""
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.isoformat())


def dump(tables: dict[str, list[dict]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(to_json(row) + "\n")


def load(folder: Path, name: str) -> list[dict]:
    with open(folder / f"{name}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
