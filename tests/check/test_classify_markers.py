"""The soft-404 markers, compiled once and screened by one alternation, name exactly the marker
that trying each in table order names (the way classify read them before)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.check.classify import ClassifyRules, classify, soft_404_marker
from bot.check.observation import Observation
from bot.check.signatures import SOFT_404_MARKERS, TITLE_SEPARATORS, Marker
from bot.model import Status

URL = "https://example.org/docs/a-page"
WORDS = [
    "404", "error", "http", "not", "found", "page", "the", "this", "was", "file", "post",
    "does", "doesn't", "doesn’t", "exist", "sorry,", "oops!", "we", "can't", "could", "cannot",
    "find", "be", "you", "are", "looking", "for", "requested", "fehler", "seite", "nicht",
    "gefunden", "wurde", "existiert", "erreur", "introuvable", "n'existe", "pas", "página",
    "no", "encontrada", "existe", "não", "pagina", "non", "trovata", "fout", "niet", "gevonden",
    "ошибка", "страница", "не", "найдена", "ページが見つかりません", "页面不存在", "找不到该页面",
    "sayfa", "bulunamadı", "페이지를 찾을 수 없습니다", "nie", "znaleziono", "strony", "KUBERNETES",
    "Not Found", "Page", "la", "cette", "|", "-", "·", "»", ":", "/", "–", "(404)", "ſ", "İ",
]
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(" ".join)


def reference_marker(text: str) -> str | None:
    """Every marker tried in table order, as classify did before it compiled them."""
    for segment in TITLE_SEPARATORS.split(text):
        normal = _normal(segment)
        for marker in SOFT_404_MARKERS:
            if normal and re.fullmatch(marker.pattern, normal, re.I):
                return marker.name
    return None


def reference_short_body(text: str) -> str | None:
    normal = _normal(text)
    for marker in SOFT_404_MARKERS:
        if marker.strong and re.search(rf"(?<!\w)(?:{marker.pattern})(?!\w)", normal, re.I):
            return marker.name
    return None


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", text.replace("’", "'")).split()).lower()


def short_page(text: str) -> Observation:
    body = f"<html><head><title>Docs</title></head><body><p>{text}</p></body></html>".encode()
    return Observation(url=URL, final_url=URL, final_status=200,
                       final_headers={"content-type": "text/html"}, body=body, attempts=1)


@settings(max_examples=400, deadline=None)
@given(phrases)
def test_title_markers_match_the_one_by_one_reading(text: str) -> None:
    assert soft_404_marker(text) == reference_marker(text)


@settings(max_examples=300, deadline=None)
@given(phrases)
def test_short_body_markers_match_the_one_by_one_reading(text: str) -> None:
    verdict = classify(short_page(text))
    expected = reference_short_body(text)
    if expected is None:
        assert verdict.rule != "soft-404:short-body"
    else:
        assert (verdict.status, verdict.rule) == (Status.BROKEN, "soft-404:short-body")
        assert f"({expected})" in verdict.detail


# One phrase per marker: each must be found by the compiled tables, alone and in a short page.
SAMPLES = {
    "en-404": "Error 404", "en-not-found": "File not found", "en-page-not-found": "Page not found",
    "en-page-does-not-exist": "This page doesn't exist",
    "en-cannot-be-found": "Sorry, the page you are looking for cannot be found",
    "en-we-cannot-find": "We couldn't find that page", "de-not-found": "Seite wurde nicht gefunden",
    "de-does-not-exist": "Diese Seite existiert nicht", "de-404": "Fehler 404",
    "fr-not-found": "Page introuvable", "fr-does-not-exist": "Cette page n'existe pas",
    "fr-404": "Erreur 404", "es-not-found": "Página no encontrada",
    "es-cannot-find": "No se encontró la página", "pt-not-found": "Página não encontrada",
    "pt-404": "Erro 404", "it-not-found": "Pagina non trovata", "it-404": "Errore 404",
    "nl-not-found": "Pagina niet gevonden", "nl-404": "Fout 404",
    "ru-not-found": "Страница не найдена", "ru-404": "Ошибка 404",
    "ja-not-found": "お探しのページは見つかりませんでした", "zh-not-found": "页面不存在",
    "zh-cannot-find": "抱歉，找不到该页面", "pl-not-found": "Nie znaleziono strony",
    "tr-not-found": "Sayfa bulunamadı", "ko-not-found": "페이지를 찾을 수 없습니다",
}


@pytest.mark.parametrize("marker", SOFT_404_MARKERS, ids=lambda marker: marker.name)
def test_every_marker_is_still_found(marker: Marker) -> None:
    sample = SAMPLES[marker.name]
    assert soft_404_marker(f"{sample} | Example") == marker.name
    verdict = classify(short_page(f"Oh. {sample}."))
    if marker.strong:
        assert (verdict.rule, f"({marker.name})" in verdict.detail) == ("soft-404:short-body", True)
    else:
        assert verdict.rule != "soft-404:short-body"


@pytest.mark.parametrize(
    ("title", "marker"),
    [
        ("Page Not Found | Example", "en-page-not-found"),
        ("404 - Page Not Found | Example", "en-404"),  # the first segment decides
        ("Seite nicht gefunden", "de-not-found"),
        ("ページが見つかりません", "ja-not-found"),
        ("Oops! We can't find that page", "en-we-cannot-find"),
        ("Page not found: how to fix it", None),
    ],
)
def test_each_title_names_its_marker(title: str, marker: str | None) -> None:
    assert soft_404_marker(title) == marker == reference_marker(title)


def test_accepted_codes_still_apply_after_the_no_rules_shortcut() -> None:
    observation = Observation(url=URL, final_url=URL, final_status=999, attempts=1)
    assert classify(observation).status is not Status.OK
    rules = ClassifyRules.of({"example.org": [999]})
    assert classify(observation, rules).rule == "config:accepted-status"
