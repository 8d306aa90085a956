"""Scans made in the tests: a PDF with text printed to grey page images, tilted and soiled, with no text layer.

What a scanner does to a page: a slight tilt, specks of dust, a soft focus.
The images are kept as a PDF of images (as scanners write them) or as image files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def scanned_pages(pdf: str | Path, dpi: int = 200, tilt: float = 0.4, seed: int = 7,
                  first: int | None = None, last: int | None = None) -> list[Image.Image]:
    """The PDF's pages as a scanner would give them: grey, tilted by ±`tilt`°, specked and blurred."""
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(pdf))
    images = []
    try:
        for index in range((first or 1) - 1, last or len(doc)):
            page = doc[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            angle = tilt if index % 2 == 0 else -tilt  # pages tilt both ways
            image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = np.asarray(image, dtype=np.int16).copy()
            specks = rng.random(pixels.shape)
            pixels[specks < 0.002] = 0  # dust
            pixels[specks > 0.998] = 255  # toner drop-outs
            pixels += rng.normal(0, 6, pixels.shape).astype(np.int16)  # sensor noise
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            images.append(image.filter(ImageFilter.GaussianBlur(0.6)))
    finally:
        doc.close()
    return images


def scan_to_pdf(images: list[Image.Image], out: str | Path, dpi: int = 200) -> Path:
    """Images as a PDF of pages with no text layer."""
    out = Path(out)
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out
