"""Problems found in data, reported by plugin name and field, translatable when shown."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from . import format_message


@dataclass(frozen=True)
class Problem:
    """Something wrong with what a plugin contributed, or with how it loaded.

    ``message`` is an untranslated template marked with ``N_`` and formatted with ``params``;
    :meth:`render` formats it, after an optional ``gettext`` translates the template.
    """

    plugin: str
    message: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def render(self, gettext=None) -> str:
        return format_message(self.message, self.params, gettext)

    def to_dict(self, gettext=None) -> dict[str, Any]:
        return {"plugin": self.plugin, "field": self.field, "message": self.render(gettext)}

    def __str__(self) -> str:
        where = f"{self.plugin}: {self.field}: " if self.field else f"{self.plugin}: "
        return where + self.render()
