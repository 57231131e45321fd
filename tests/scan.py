"""Photocopy-like scans of a PDF for the OCR tests: each page rendered to an image, turned slightly,
sprinkled with speckle, JPEG-compressed, and written back as an image-only PDF (Pillow's PDF writer:
one JPEG per page, no text layer)."""
from __future__ import annotations

import io
import random
from pathlib import Path


def photocopy(page_image, seed: int, angle: float = 0.6, speckle: float = 0.0015, quality: int = 55):
    """A page image as a photocopier would give it back: rotated by `angle`°, grey, with dark
    specks on a `speckle` share of the pixels and JPEG artefacts."""
    from PIL import Image

    rnd = random.Random(seed)
    img = page_image.convert("L").rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    px = img.load()
    w, h = img.size
    for _ in range(int(w * h * speckle)):
        x, y = rnd.randrange(w), rnd.randrange(h)
        px[x, y] = rnd.randrange(0, 120)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def scanned_pdf(src: Path | bytes, dst: Path, dpi: int = 150, pages: list[int] | None = None,
                angle: float = 0.6) -> Path:
    """`src` (a PDF) as an image-only PDF of photocopied pages (1-based `pages`, default all);
    alternate pages turn the other way."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(src if isinstance(src, bytes) else Path(src).read_bytes())
    numbers = pages or list(range(1, len(pdf) + 1))
    images = [photocopy(pdf[p - 1].render(scale=dpi / 72).to_pil(), seed=p, angle=angle if p % 2 else -angle)
              for p in numbers]
    pdf.close()
    images[0].save(dst, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return dst
