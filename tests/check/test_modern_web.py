"""The modern web end to end (simulated web -> engine -> verdict): pages that answer 200 and say
nothing, in languages the checker must read, behind app shells, refreshes and script redirects."""

from __future__ import annotations

from typing import Any

from bot.check.engine import check_links
from bot.check.settings import CheckSettings
from bot.model import Link, LinkResult, Status
from tests.simweb import Page, SimHost


async def _instant(seconds: float) -> None:
    return None


async def check(urls: list[str], settings: CheckSettings, **kwargs: Any) -> dict[str, LinkResult]:
    report = await check_links([Link(url) for url in urls], settings, sleep=_instant, **kwargs)
    return {result.url: result for result in report.links}


def article(title: str, text: str) -> Page:
    return Page(f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                f"<p>{text}</p></body></html>")


# ---- "not found" in the web's most used languages ---------------------------------------------

SOFT_404S = {
    "/cs": article("Stránka nenalezena | Příklad", "Zkuste to znovu."),
    "/th": article("ไม่พบหน้าที่คุณต้องการ", "กลับสู่หน้าแรก"),
    "/ar": article("الصفحة غير موجودة - مثال", "العودة إلى الصفحة الرئيسية"),
    "/fa": article("صفحه مورد نظر یافت نشد", "بازگشت"),
    "/el": Page("<html><head><title>Παράδειγμα</title></head><body>"
                "<h1>Η σελίδα δεν βρέθηκε</h1></body></html>"),
    "/vi": Page("<html><head><title>Ví dụ</title></head><body><p>Lỗi. Không tìm thấy trang."
                "</p></body></html>"),
}
LIVE = {
    "/sv": Page("<html><head><title>Nyheter</title></head><body><p>Det finns inte mycket här än."
                "</p></body></html>"),
    "/cs-article": article("Jak opravit chybu 404 | Blog", "Chyba 404 znamená, že stránka "
                           "neexistuje. " * 30),
}


async def test_soft_404s_in_several_languages(alpha: SimHost, settings: CheckSettings) -> None:
    for path, page in {**SOFT_404S, **LIVE}.items():
        alpha.route(path, page)
    results = await check([alpha.url(path) for path in [*SOFT_404S, *LIVE]], settings)
    for path in SOFT_404S:
        assert (results[alpha.url(path)].status, results[alpha.url(path)].reason) == (
            Status.BROKEN, "soft_404"), path
    for path in LIVE:
        assert results[alpha.url(path)].status is Status.OK, path

