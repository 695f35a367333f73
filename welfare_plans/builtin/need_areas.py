"""The need areas of Italian corporate welfare, from the data file beside this module.

Areas are data, not code: ``need_areas.json`` holds each code with its Italian and English name.
"""

from __future__ import annotations

import json
from importlib import resources

from ..hookspecs import hookimpl
from ..types import NeedArea


@hookimpl
def register_need_areas() -> list[NeedArea]:
    data = json.loads(resources.files(__package__).joinpath("need_areas.json").read_text(encoding="utf-8"))
    return [
        NeedArea(code=item["code"], name=item["name"], name_en=item["name_en"], position=position)
        for position, item in enumerate(data["need_areas"])
    ]
