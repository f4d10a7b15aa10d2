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
    "sidan", "hittades", "inte", "finns", "σελίδα", "δεν", "βρέθηκε", "chyba", "stránka",
    "ไม่พบหน้า", "นี้", "הדף", "לא", "נמצא", "صفحه", "یافت", "نشد", "halaman", "tidak", "ada",
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
    kept = r"\w'\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0e31-\u0e4e\u200c"
    return " ".join(re.sub(rf"[^{kept}]+", " ", text.replace("’", "'")).split()).lower()


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
    "ja-404": "エラー 404", "zh-404": "错误 404", "ko-does-not-exist": "페이지가 존재하지 않습니다",
    "ko-404": "오류 404", "pl-404": "Błąd 404", "tr-does-not-exist": "Aradığınız sayfa mevcut değil",
    "tr-404": "404 Hatası", "fa-not-found": "صفحه مورد نظر یافت نشد", "fa-404": "خطای ۴۰۴",
    "vi-not-found": "Không tìm thấy trang", "vi-404": "Lỗi 404",
    "id-not-found": "Halaman tidak ditemukan", "id-404": "Kesalahan 404",
    "cs-not-found": "Stránka nenalezena", "cs-sk-404": "Chyba 404",
    "uk-not-found": "Сторінку не знайдено", "uk-404": "Помилка 404",
    "hu-not-found": "Az oldal nem található", "hu-404": "404-es hiba",
    "sv-not-found": "Sidan hittades inte", "sv-404": "Fel 404",
    "ar-not-found": "الصفحة غير موجودة", "ar-404": "خطأ 404",
    "ro-not-found": "Pagina nu a fost găsită", "ro-404": "Eroare 404",
    "el-not-found": "Η σελίδα δεν βρέθηκε", "el-404": "Σφάλμα 404",
    "da-not-found": "Siden blev ikke fundet", "da-404": "Fejl 404",
    "fi-not-found": "Sivua ei löytynyt", "fi-404": "Virhe 404",
    "he-not-found": "הדף המבוקש לא נמצא", "he-404": "שגיאה 404",
    "sk-not-found": "Stránka sa nenašla", "th-not-found": "ไม่พบหน้าที่คุณต้องการ",
    "th-404": "ข้อผิดพลาด 404", "bg-not-found": "Страницата не е намерена",
    "bg-404": "Грешка 404", "nb-not-found": "Siden finnes ikke", "nb-404": "Feil 404",
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


# W3Techs' 30 most used content languages on the web.
TOP_30_LANGUAGES = (
    "en", "es", "de", "ja", "fr", "ru", "pt", "it", "nl", "pl", "tr", "zh", "fa", "vi", "id",
    "cs", "ko", "uk", "hu", "sv", "ar", "ro", "el", "da", "fi", "he", "sk", "th", "bg", "nb",
)


def test_every_top_language_has_a_strong_not_found_marker() -> None:
    strong = {marker.name.split("-")[0] for marker in SOFT_404_MARKERS if marker.strong}
    assert set(TOP_30_LANGUAGES) <= strong


@pytest.mark.parametrize(
    "title",
    [
        "Jak opravit chybu 404 | Blog",  # Czech: how to fix a 404 error
        "Miksi sivua ei löytynyt? Opas",  # Finnish: why was the page not found? A guide
        "Η σελίδα δεν βρέθηκε: τι σημαίνει το σφάλμα 404",  # Greek: what a 404 means
        "خطأ 404: كيف تصلحه",  # Arabic: error 404, how to fix it
        "Varför sidan hittades inte och hur du fixar det",  # Swedish: why, and how to fix it
    ],
)
def test_articles_about_404s_in_other_languages_are_no_marker(title: str) -> None:
    assert soft_404_marker(title) is None


@pytest.mark.parametrize(
    "text",
    [
        "Det finns inte mycket här än, men snart.",  # Swedish: not much here yet
        "Halaman tidak ada iklan. Selamat membaca!",  # Indonesian: a page without ads
        "Stránka o chybách 404 a jak je opravit.",  # Czech: a page about 404 errors
        "Сторінка про помилки та як їх виправити.",  # Ukrainian: a page about errors
    ],
)
def test_short_live_pages_in_other_languages_stay_ok(text: str) -> None:
    assert classify(short_page(text)).status is Status.OK
