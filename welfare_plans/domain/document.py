"""The plan document: the sections plugins contribute and what a renderer returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentSection:
    """One titled section of the plan document.

    ``html`` is a fragment the plugin has built itself and must escape: render it from a Jinja template
    (autoescaping on) or escape every value with ``markupsafe.escape``. ``position`` orders the sections:
    the core's run from 10 (preamble) to 120 (signatures) in steps of 10, so 75 lands between the basket
    and the rules of use. ``key`` must be unique; it becomes the section's anchor in the table of contents.
    """

    key: str
    title: str
    html: str
    position: int = 100


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered plan document: its bytes, its media type and the file extension to save it with."""

    content: bytes
    media_type: str = "application/pdf"
    extension: str = "pdf"


PDF_VARIANTS = ("pdf/a-3u", "pdf/ua-1")
