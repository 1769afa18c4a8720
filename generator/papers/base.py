"""What paper type modules share to make their template variables: input text as inert markup, bodies drawn."""
from __future__ import annotations

from markupsafe import Markup

from ..model import Section
from ..render.wordml import WordML
from ..render.wordml import text as xml_text


def plain(value: str | None) -> Markup:
    """Input text for a template variable: escaped here, inert to docxtpl's own brace rewriting."""
    return Markup(xml_text(value or ""))


def body(wordml: WordML, section: Section, numbered: bool = False) -> Markup:
    """A section's blocks as body XML in the template's styles."""
    return Markup(wordml.blocks(section.blocks, numbered_paragraphs=numbered))
