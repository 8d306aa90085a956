"""The page image made ready for Tesseract: cleaned, straightened, and its ruled tables found.

This is image work alone (OpenCV on a grey page): the tilt by the projection profile, the tables'
grids from their rules, and each cell cut out to be read by itself. It knows nothing of Tesseract
or of the records; the run hands it a page and gets back the image and cells to read.
"""

from __future__ import annotations

# Scanners and phones tilt a page by a few degrees at most: the tilt is
# searched within this angle either way.
MAX_SKEW_DEGREES = 5.0

# Pixels a cell is cut inside its rules' centre lines (at OCR_DPI, about 0.8 mm).
CELL_INSET = 6
# A table's row-number column (`TT`, `STT`) is narrow: a cell no wider than this share of its table,
# read as a few marks, is read again for digits alone (tesseract.NUMBER_CELL_MARKS).
NUMBER_COLUMN_SHARE = 0.09


def prepare(image):
    """The page made ready for Tesseract: the page image, its tables' cells, the angle, the tables.

    The image is cleaned and straightened. Each ruled table is cut out of the
    page image and its cells are handed over one by one (image, left, top, in a
    narrow column that may number the rows):
    read with the page, a table's short cell lines at uneven heights are
    joined into wrong lines and words, and its rules read as `|` and `I`.
    """
    import cv2
    import numpy as np
    from PIL import Image

    # A 3-pixel median takes out dust (single dark pixels Tesseract reads as
    # letters) and keeps every stroke and diacritic, which are wider.
    grey = cv2.medianBlur(np.asarray(image, dtype=np.uint8), 3)
    skew = find_skew(grey)
    if abs(skew) >= 0.05:
        h, w = grey.shape
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
        grey = cv2.warpAffine(grey, turn, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)
    tables, rules = find_tables(grey)
    cells = []
    if rules is not None:
        paper = int(np.median(grey))
        # The rules' pixels and the fringe a blurred rule leaves, painted over in the paper's shade.
        clean = grey.copy()
        clean[cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))) > 0] = paper
        grey = grey.copy()
        for table in tables:
            table_width = table["xs"][-1] - table["xs"][0]
            for x0, top, x1, bottom in _cell_boxes(table).values():
                narrow = x1 - x0 <= NUMBER_COLUMN_SHARE * table_width
                # Inside the rules' centres by a rule's width: a rule bent or thickened
                # by the scan leaves no stroke at the cell's edge to read as `|`.
                x0, top, x1, bottom = x0 + CELL_INSET, top + CELL_INSET, x1 - CELL_INSET, bottom - CELL_INSET
                crop = clean[top:bottom, x0:x1]
                if crop.size and (crop < 128).any():
                    framed = cv2.copyMakeBorder(crop, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=paper)
                    cells.append((Image.fromarray(framed), x0 - 12, top - 12, narrow))
            xs, ys = table["xs"], table["ys"]
            grey[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1] = paper
    return Image.fromarray(grey), cells, skew, tables


def _cell_boxes(table: dict) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Each cell's box in pixels, keyed by its grid position (the top-left of a merged cell)."""
    xs, ys, owner = table["xs"], table["ys"], table["owner"]
    boxes: dict[tuple[int, int], list[int]] = {}
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            box = boxes.setdefault(tuple(owner[r][c]), [xs[c], ys[r], xs[c + 1], ys[r + 1]])
            box[0], box[1] = min(box[0], xs[c]), min(box[1], ys[r])
            box[2], box[3] = max(box[2], xs[c + 1]), max(box[3], ys[r + 1])
    return {k: (int(v[0]), int(v[1]), int(v[2]), int(v[3])) for k, v in boxes.items()}


def find_skew(grey) -> float:
    """The page's tilt in degrees (positive: its lines fall to the right), by the projection profile.

    Text lines turned level make the sharpest profile of ink per pixel row:
    the angle whose row sums vary most, searched coarse then fine on a small copy.
    """
    import cv2
    import numpy as np

    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) if grey.shape[1] > 1200 else grey
    ink = (small < 128).astype(np.float32)
    if ink.sum() < 100:
        return 0.0
    h, w = ink.shape

    def sharpness(angle: float) -> float:
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
        rows = cv2.warpAffine(ink, turn, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05), key=sharpness)
    return round(float(best), 2)


def find_tables(grey) -> tuple[tuple[dict, ...], object]:
    """Ruled tables in a straightened page image: their grids and the rules' pixels.

    Rules are long thin runs of ink: a morphological opening with a long flat
    (or tall) kernel keeps them and drops the letters. A table is a connected
    figure of rules holding both; its row and column edges are where its
    horizontal and vertical rules stand; two neighbouring grid positions with
    no rule between them are one merged cell.
    """
    import cv2
    import numpy as np

    h, w = grey.shape
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    span = max(w, h) // 40  # a rule runs on for at least ~7 mm, far longer than any stroke of a letter
    flat = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (span, 1)))
    tall = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, span)))
    # Bridge the gaps a faint scan leaves in a rule.
    flat = cv2.dilate(flat, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    tall = cv2.dilate(tall, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    rules = cv2.bitwise_or(flat, tall)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    tables = []
    mask = np.zeros_like(rules)
    for i in range(1, count):
        x, y, bw, bh, _area = stats[i]
        if bw < w * 0.2 or bh < h * 0.03:
            continue  # an underline, a rule under a title, a signature's flourish
        region = labels[y:y + bh, x:x + bw] == i
        grid = _grid(flat[y:y + bh, x:x + bw] * region, tall[y:y + bh, x:x + bw] * region, x, y)
        if grid is None:
            continue
        tables.append(grid)
        mask[y:y + bh, x:x + bw][region] = 255
    if not tables:
        return (), None
    tables.sort(key=lambda t: (t["ys"][0], t["xs"][0]))
    return tuple(tables), mask


def _grid(flat, tall, x0: int, y0: int) -> dict | None:
    import numpy as np

    ys = _rule_positions(flat.max(axis=1) > 0)
    xs = _rule_positions(tall.max(axis=0) > 0)
    if len(ys) < 2 or len(xs) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    if rows * cols < 2:
        return None  # a framed box (a stamp, a note), not a table

    def ruled(run) -> bool:
        return run.size > 0 and float(np.count_nonzero(run)) / run.size >= 0.6

    owner = [[(r, c) for c in range(cols)] for r in range(rows)]
    for r in range(rows):
        for c in range(cols):
            inner_x = slice(xs[c] + 4, max(xs[c + 1] - 4, xs[c] + 5))
            inner_y = slice(ys[r] + 4, max(ys[r + 1] - 4, ys[r] + 5))
            if r > 0 and not ruled(flat[max(ys[r] - 3, 0):ys[r] + 4, inner_x].max(axis=0)):
                owner[r][c] = owner[r - 1][c]
            elif c > 0 and not ruled(tall[inner_y, max(xs[c] - 3, 0):xs[c] + 4].max(axis=1)):
                owner[r][c] = owner[r][c - 1]
    return {"xs": [int(x0 + v) for v in xs], "ys": [int(y0 + v) for v in ys],
            "owner": [[list(o) for o in row] for row in owner]}


def _rule_positions(present) -> list[int]:
    """Centres of the runs of True in a 1-D mask: where the rules stand."""
    out, start = [], None
    for i, on in enumerate(list(present) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out

