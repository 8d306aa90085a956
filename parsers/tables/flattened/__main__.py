"""Compile the flattened reader's kernels now and cache them: `python -m parsers.tables.flattened`.

numba compiles a kernel on its first call and keeps the machine code in the cache folder (kernels.py). A
process that meets its first flattened table with no cache pays the compile (some 15-20 s); `make setup` runs
this once, after the install, so that the first `make parse` on a new machine, and each new worker of a
cluster set up so, finds the kernels compiled.
"""

from __future__ import annotations

import time

from parsers.model.records import Line
from parsers.tables.flattened import segment_table
from parsers.tables.flattened.kernels import KERNEL_CACHE

# A small appendix as text extraction flattens it, column by column: every kernel of the search runs on it.
SAMPLE = """STT
Nhiệm vụ
Sản phẩm
Cơ quan chủ trì
Thời gian hoàn thành
1
Xây dựng Kế hoạch cải cách hành chính năm 2021
Kế hoạch
Phòng Nội vụ
Quý I/2021
2
Kiểm tra công tác cải cách hành chính
Báo cáo
Văn phòng HĐND - UBND huyện
Thường xuyên"""


def main() -> None:
    lines = [Line(page=1, line_no=k, text=text, source_line=k) for k, text in enumerate(SAMPLE.splitlines(), 1)]
    start = time.perf_counter()
    table = segment_table(lines)
    cached, folder = KERNEL_CACHE
    where = folder or "numba's own folder" if cached else "nowhere (no writable folder: compiled in each process)"
    print(f"flattened-table kernels ready in {time.perf_counter() - start:.1f} s ({len(table.rows)} rows read), "
          f"cached in {where}")


if __name__ == "__main__":
    main()
