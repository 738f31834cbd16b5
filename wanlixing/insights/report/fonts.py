"""A CJK font for PDFs and charts, shipped in a PyPI package (Noto Sans SC, OFL).

The package carries Noto Sans SC as an OpenType font with PostScript (CFF)
outlines, which reportlab cannot embed. Each document gets a subset of the glyphs
it uses, converted to TrueType outlines with fontTools (cubic → quadratic curves),
and registered with reportlab under a name of its own: a few hundred glyphs, well
under a second, nothing fetched from the network and nothing installed system-wide.
"""

from __future__ import annotations

import hashlib
import io
import threading
from functools import cache

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as ReportlabTTFont

_lock = threading.Lock()
BASE_CHARACTERS = (
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    " .,:;!?%+-–−=()[]/<>≥≤·…\"'，。：；！？（）、《》“”%—"
)


@cache
def cjk_font_path() -> str:
    from pylopdf_fonts_zh_cn import sans_path

    return str(sans_path())


def _to_truetype(font: TTFont) -> None:
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    for attr in [
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ]:
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def cjk_font_for(text: str) -> str:
    """Register (once) a CJK font covering ``text``; returns its reportlab font name."""
    characters = "".join(sorted(set(text) | set(BASE_CHARACTERS)))
    name = "NotoSansSC-" + hashlib.sha1(characters.encode()).hexdigest()[:10]  # noqa: S324
    with _lock:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        options = subset.Options()
        options.layout_features = []
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.glyph_names = True
        font = TTFont(cjk_font_path(), lazy=True)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        _to_truetype(font)
        # reportlab registers faces by their PostScript name: every subset needs its own,
        # or a later document reuses an earlier subset's glyphs (the chart's, say).
        for record in font["name"].names:
            if record.nameID in (1, 3, 4, 6):
                record.string = name
        buffer = io.BytesIO()
        font.save(buffer)
        buffer.seek(0)
        pdfmetrics.registerFont(ReportlabTTFont(name, buffer))
    return name
