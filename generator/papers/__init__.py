"""The registry of paper types: one module per type (its schema, template variables, assembly and rules).

A paper type is a module of this package named after its Word template (``templates/docx/<name>.docx``)
with the attributes :class:`PaperType` lists. Modules are imported when first needed, so that reading
the registry costs nothing on a rebuild with nothing to do. A new type is a module plus its name here.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType
from typing import Any

# every paper type, in the order lint and the documentation list them
NAMES: tuple[str, ...] = ("portfolio_report", "briefing_note", "committee_report")

# template variables every paper has, whatever its type (render/docx.py fills them)
COMMON_VARIABLES: tuple[str, ...] = ("meeting_date", "committee", "committee_short_name", "item", "title",
                                     "report_of", "exempt", "exempt_reason")


class PaperType:
    """What a paper type module provides (documentation of the interface; modules are duck-typed).

    - ``Schema``: the pydantic model of its input (a :class:`generator.inputs.schema.PaperCommon`);
    - ``VARIABLES``: the template variables it adds, each with its value for papers of other types;
    - ``REQUIRED_VARIABLES``: the groups of variables its template must print (``papers lint-template``);
    - ``NUMBERED_PARAGRAPHS``: whether its template's ``Numbered Paragraph`` style must carry numbering;
    - ``assemble(parsed, ctx, paper)``: fill the :class:`generator.model.Paper` from the validated input;
    - ``check_parts(data, ctx)``: check the bodies of an input whose fields have errors (all problems in one run);
    - optionally ``raw_problems(doc)``: rules checked on the raw data, reported whatever else is wrong;
    - ``context(paper, wordml)``: its template variables, drawn with the template's styles.
    """


def paper_type(name: str) -> ModuleType:
    """The module of a registered paper type (KeyError for an unknown name)."""
    if name not in NAMES:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{name}")


def schemas() -> dict[str, Any]:
    """The input model of each paper type, by template name."""
    return {name: paper_type(name).Schema for name in NAMES}


@lru_cache(maxsize=1)
def paper_variables() -> tuple[str, ...]:
    """Every template variable a paper template may use: the common ones, then each type's own."""
    names = list(COMMON_VARIABLES)
    for name in NAMES:
        names += [v for v in paper_type(name).VARIABLES if v not in names]
    return tuple(names)


def empty_variables() -> dict[str, Any]:
    """The variables of every type with their empty values (a paper's own type then fills its own)."""
    out: dict[str, Any] = {}
    for name in NAMES:
        for key, value in paper_type(name).VARIABLES.items():
            out.setdefault(key, value() if callable(value) else value)
    return out
