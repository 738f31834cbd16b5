"""Markdown to safe HTML: Python-Markdown renders, nh3 sanitises with an allow-list.

Whatever an editor types (raw HTML included), the output carries no script, no event
handler, no ``javascript:`` URL and no image from another site.
"""

from __future__ import annotations

import html
from functools import lru_cache

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "del", "ins", "mark", "small", "sub", "sup", "blockquote", "code", "pre", "ul", "ol",
    "li", "dl", "dt", "dd", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    # Images from other sites would leak readers' visits and break "no external requests".
    if tag == "img" and attribute == "src":
        if value.startswith("/") and not value.startswith("//"):
            return value
        return None
    return value


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    raw = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    # Headings inside an item start at h2: the page's h1 is the item's title.
    raw = raw.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_local_images_only,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def markdown_to_html(text: str) -> SafeString:
    """Render Markdown and sanitise the result; safe to put into any page."""
    return mark_safe(_render(text or ""))  # noqa: S308 -- sanitised by nh3 above


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown body (for snippets and search)."""
    return html.unescape(strip_tags(_render(text or ""))).strip()
