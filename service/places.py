"""Questions that name a place ask for that place's plans.

"tỷ lệ bao phủ bảo hiểm y tế Đồng Nai": the place is found (``ingest.gazetteer.find_places``, with or
without diacritics, in any known form), taken out of the words searched (a place is not content: every
plan of every province says "bảo hiểm y tế"), and the search is limited to the plans issued there — or by a
unit inside it (its districts), by the province it lies in, or, for a province formed in 2025, by the
provinces merged into it (marked as such: "Bắc Giang, nay thuộc Bắc Ninh"). When no plan of the library is
from there, nothing is limited, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.hybrid import locality_values
from ingest import Document, gazetteer
from vntext.normalize import fold

__all__ = ["PlaceScope", "scope_of", "RELATION_LABELS", "TIERS", "locality_options", "locality_key"]

RELATION_LABELS = {"self": "", "parent": "cấp trên", "predecessor": "nay thuộc", "inside": "trực thuộc"}
# The order in which a scope's plans answer: the place's own (and, for a province formed in 2025, those of the
# provinces merged into it), then those of the units inside it and of the province above it. Without it a
# question naming Biên Hòa was answered from Đồng Nai's plan (the place words are not searched, and the
# province's plan says the same things), one naming Đồng Nai from Biên Hòa's.
TIERS = (("self", "predecessor"), ("inside", "parent"))


@dataclass(frozen=True)
class PlaceScope:
    """The places a question names, the words left to search, and the plans issued there."""

    names: tuple[str, ...]  # as the gazetteer names them: "Đồng Nai", "thành phố Biên Hòa"
    query: str  # the question without the place mentions
    docs: dict  # doc id -> relation of the plan's locality to the place asked: self, inside, parent, predecessor

    def tiers(self) -> list[frozenset]:
        """The scope's plans in the order they answer (``TIERS``), empty tiers left out."""
        out = [frozenset(d for d, r in self.docs.items() if r in tier) for tier in TIERS]
        return [t for t in out if t]

    def to_dict(self) -> dict:
        return {"names": list(self.names), "plans": len(self.docs),
                "predecessors": sorted(d for d, r in self.docs.items() if r == "predecessor")}


def _keys(place: gazetteer.Place) -> dict[str, str]:
    """Gazetteer keys whose plans answer a question about ``place``, with their relation to it."""
    out = {}
    for related in gazetteer.expand(place):
        if related.relation in ("self", "predecessor", "parent"):
            out.setdefault(related.place.key, related.relation)
    return out


def _relation(doc: Document, keys: dict[str, str]) -> str | None:
    key, province = doc.meta.place_key, doc.meta.province
    if not key:
        return None
    if key in keys:
        return keys[key]
    if province in keys and keys[province] in ("self", "predecessor"):  # a district of the place asked
        return "inside" if keys[province] == "self" else "predecessor"
    return None


def scope_of(text: str, documents: dict[str, Document]) -> PlaceScope | None:
    """What the places named in ``text`` limit the search to; None when it names none."""
    matches = gazetteer.find_places(text)
    if not matches:
        return None
    keys: dict[str, str] = {}
    for m in matches:
        for k, relation in _keys(m.place).items():
            keys.setdefault(k, relation)
    docs = {d.id: r for d in documents.values() if (r := _relation(d, keys)) is not None}
    rest, at = [], 0
    for m in matches:
        rest.append(text[at : m.start])
        at = m.end
    rest.append(text[at:])
    words = " ".join(" ".join(rest).split()).strip(" ,.;:-")
    names = tuple(dict.fromkeys(m.place.full_name if m.place.level != "province" else m.place.name
                                for m in matches))
    return PlaceScope(names, words, docs)


def locality_options(documents) -> list[str]:
    """The locality filter's values for ``documents`` (gazetteer keys): provinces (the 2025 ones first, then
    those merged into them), then district-level units, then commune-level ones; by name within a level."""
    keys = {v for d in documents for v in locality_values(d.meta)}

    def order(key: str) -> tuple:
        place = gazetteer.get(key)
        if place is None:
            return (9, 0, key)
        return (gazetteer.LEVELS.index(place.level), place.status != "current", fold(place.name.lower()), key)

    return sorted(keys, key=order)


def locality_key(name: str) -> str:
    """The gazetteer key of a locality named any way ``gazetteer.get`` knows ("dong nai", "TP.HCM",
    "Đồng Nai/thành phố Biên Hòa"); ``ValueError`` naming it when unknown."""
    place = gazetteer.get(name)
    if place is None:
        raise ValueError(f"unknown locality {name!r}: give a province, district or commune name "
                         "(e.g. \"Đồng Nai\", \"Đồng Nai/thành phố Biên Hòa\")")
    return place.key
