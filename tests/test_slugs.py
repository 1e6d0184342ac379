"""One slug function for the whole project: folder names, imported advice ids and the
ids content files may use all agree on what a slug is."""

from __future__ import annotations

import pytest

from generator import advice_import, model
from generator.naming import SLUG, slugify


@pytest.mark.parametrize("text, slug", [
    ("St Mary's C of E Primary", "st-marys-c-of-e-primary"),
    ("Ysgol Tŷ Coch", "ysgol-ty-coch"),
    ("  Year 8 / Set 2  ", "year-8-set-2"),
    ("Don’t pay!", "dont-pay"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug
    assert SLUG.match(slug)


def test_nothing_left_gives_the_fallback():
    assert slugify("北京学校") == "unnamed"
    assert slugify("北京学校", "") == ""


def test_every_module_uses_the_same_slug():
    assert model.SLUG is SLUG
    assert advice_import.slugify is slugify
