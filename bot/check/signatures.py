"""Site knowledge for the classifier, as named tables: the status-code table, bot-protection
and parked-domain signatures, soft-404 markers in many languages, and login-page patterns.

Adding knowledge is adding a row. Every row has a name; the verdict's rule names the row that
decided it, so `roadmap-bot explain` can say exactly why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.model import Reason, Status

_I = re.IGNORECASE | re.DOTALL
CLIENT_ERRORS = frozenset(range(400, 500))
CHALLENGE_STATUSES = frozenset({403, 429, 503})


@dataclass(frozen=True, slots=True)
class StatusRule:
    """What a bare HTTP status code means when nothing more specific matched."""

    status: Status
    reason: str
    why: str


def _http(code: int) -> str:
    return f"http_{code}"


# Codes with a fixed meaning. 4xx codes that may be our fault or a bot filter (400, 405,
# 406, 412, ...) are `error` (inconclusive): only 404 and 410 prove a page is gone.
STATUS_TABLE: Mapping[int, StatusRule] = MappingProxyType({
    304: StatusRule(Status.OK, Reason.NOT_MODIFIED, "not modified since the last run"),
    401: StatusRule(Status.BLOCKED, _http(401), "the server wants credentials"),
    403: StatusRule(Status.BLOCKED, _http(403), "the server refuses to show it"),
    404: StatusRule(Status.BROKEN, _http(404), "not found"),
    410: StatusRule(Status.BROKEN, _http(410), "gone"),
    429: StatusRule(Status.ERROR, Reason.RATE_LIMITED, "rate limited (after retries)"),
    451: StatusRule(Status.BLOCKED, _http(451), "unavailable for legal reasons"),
    999: StatusRule(Status.BLOCKED, _http(999), "LinkedIn's answer to bots"),
})


def status_class_rule(code: int) -> StatusRule:
    """The fallback for codes not in `STATUS_TABLE`, by class."""
    if 200 <= code < 300:
        return StatusRule(Status.OK, _http(code), "success")
    if code >= 500 and code < 600:
        return StatusRule(Status.ERROR, _http(code), "server error (after retries)")
    if 400 <= code < 500:
        return StatusRule(Status.ERROR, _http(code), "a client error that proves nothing gone")
    return StatusRule(Status.ERROR, _http(code), "unexpected final status")


@dataclass(frozen=True, slots=True)
class Signature:
    """A recognisable answer: every condition given must hold (statuses, a header, the
    final URL, the body); `short_page` limits body rules to pages with little visible text."""

    name: str
    status: Status
    reason: str
    statuses: frozenset[int] = frozenset()  # empty: any status
    header: str | None = None  # lowercase header name that must be present
    header_regex: re.Pattern[str] | None = None  # and match, when given
    url_regex: re.Pattern[str] | None = None  # matched against the final URL
    body_regex: re.Pattern[str] | None = None
    short_page: bool = False
    why: str = ""


def _bot(name: str, why: str, **conditions: object) -> Signature:
    return Signature(name, Status.BLOCKED, Reason.BOT_PROTECTION, why=why, **conditions)  # type: ignore[arg-type]


_CHALLENGE_BODY = re.compile(
    r"<title>\s*(?:just a moment|attention required|please wait|security check|access denied"
    r"|robot check|are you a robot|human verification|ddos-guard)"
    r"|captcha|are you a (?:human|robot)|verify (?:that )?you are (?:a )?human"
    r"|unusual traffic from your computer|enable javascript and cookies to continue"
    r"|checking (?:if the site connection is secure|your browser)"
    r"|access to this page has been denied|please (?:complete|solve) the security check",
    _I,
)

BOT_PROTECTION: tuple[Signature, ...] = (
    _bot("cloudflare-mitigated", "Cloudflare says it served a challenge (cf-mitigated)",
         header="cf-mitigated", header_regex=re.compile("challenge", re.I)),
    _bot("vercel-mitigated", "Vercel says it served a challenge (x-vercel-mitigated)",
         header="x-vercel-mitigated", header_regex=re.compile("challenge|deny", re.I)),
    _bot("aws-waf-challenge", "AWS WAF answered with a challenge or captcha",
         header="x-amzn-waf-action", header_regex=re.compile("challenge|captcha", re.I)),
    _bot("cloudflare-challenge", "a Cloudflare challenge page", statuses=CHALLENGE_STATUSES,
         header="server", header_regex=re.compile("cloudflare", re.I),
         body_regex=re.compile(r"just a moment|cf-chl|challenge-platform|cf_chl_opt"
                               r"|attention required! \| cloudflare|checking your browser", _I)),
    _bot("cloudflare-challenge-body", "Cloudflare challenge scripts in the page",
         statuses=CHALLENGE_STATUSES,
         body_regex=re.compile(r"/cdn-cgi/challenge-platform/|cf_chl_opt|cf-chl-bypass", _I)),
    _bot("akamai-ghost", "Akamai's edge (AkamaiGHost) refused the request",
         statuses=frozenset({403}), header="server", header_regex=re.compile("akamaighost", re.I)),
    _bot("akamai-reference", "an Akamai 'Access Denied ... Reference #' page",
         statuses=frozenset({403}),
         body_regex=re.compile(r"access denied.{0,600}reference(?:&#32;| )(?:&#35;|#)", _I)),
    _bot("datadome-header", "DataDome bot protection (x-datadome)", statuses=CLIENT_ERRORS,
         header="x-datadome"),
    _bot("datadome-cookie", "DataDome bot protection (datadome cookie)", statuses=CLIENT_ERRORS,
         header="set-cookie", header_regex=re.compile(r"\bdatadome=", re.I)),
    _bot("datadome-captcha", "a DataDome captcha page", statuses=CLIENT_ERRORS,
         body_regex=re.compile(r"captcha-delivery\.com", _I)),
    _bot("perimeterx", "a PerimeterX / HUMAN challenge", statuses=CLIENT_ERRORS,
         body_regex=re.compile(r"_pxAppId|px-captcha|perimeterx", _I)),
    _bot("sucuri-header", "the Sucuri firewall refused the request", statuses=CLIENT_ERRORS,
         header="x-sucuri-id"),
    _bot("sucuri-server", "the Sucuri firewall refused the request", statuses=CLIENT_ERRORS,
         header="server", header_regex=re.compile("sucuri|cloudproxy", re.I)),
    _bot("imperva-incapsula", "Imperva Incapsula bot protection", statuses=CLIENT_ERRORS,
         body_regex=re.compile(r"_Incapsula_Resource|Incapsula incident ID", _I)),
    _bot("ddos-guard", "DDoS-Guard bot protection", statuses=CHALLENGE_STATUSES,
         header="server", header_regex=re.compile("ddos-guard", re.I)),
    _bot("amazon-robot-check", "Amazon's robot check",
         url_regex=re.compile(r"^https?://(?:[^/?#]*\.)?amazon\.[a-z.]+(?::\d+)?(?:[/?#]|$)",
                              re.I),
         body_regex=re.compile(
        r"to discuss automated access to amazon data|/errors/validateCaptcha", _I)),
    _bot("challenge-body", "a refusal with a challenge or captcha page",
         statuses=CHALLENGE_STATUSES, body_regex=_CHALLENGE_BODY),
)


def _parked(name: str, why: str, **conditions: object) -> Signature:
    return Signature(name, Status.BROKEN, Reason.PARKED_DOMAIN, why=why, **conditions)  # type: ignore[arg-type]


_PARKING_HOSTS = (
    r"sedo\.com|dan\.com|afternic\.com|hugedomains\.com|buydomains\.com|domainmarket\.com"
    r"|undeveloped\.com|squadhelp\.com|atom\.com|brandbucket\.com|bodis\.com|parkingcrew\.net"
    r"|above\.com|sav\.com|epik\.com|uniregistry\.com|domainnamesales\.com"
)

# Parked pages carry little text; body rules only apply to such short pages, so an article
# that mentions "this domain is for sale" or links to Sedo is never taken for one.
PARKED: tuple[Signature, ...] = (
    _parked("parking-marketplace-redirect", "the link now leads to a domain marketplace",
            url_regex=re.compile(
                rf"^https?://(?:[^/?#]*\.)?(?:{_PARKING_HOSTS})(?::\d+)?(?:[/?#]|$)", re.I)),
    _parked("godaddy-forsale-redirect", "the link now leads to a GoDaddy sale page",
            url_regex=re.compile(
                r"^https?://(?:[^/?#]*\.)?godaddy\.com/(?:forsale|domain-?search)", re.I)),
    _parked("parking-service-assets", "the page loads a domain-parking service",
            short_page=True, body_regex=re.compile(
                r"sedoparking\.com|parkingcrew\.net|bodis\.com|park\.above\.com|dsnextgen\.com"
                r"|parklogic\.com|parked-content\.godaddy\.com|img1\.wsimg\.com/parking-lander"
                r"|cashparking|window\.park\s*=|afternic\.com/forsale|dan\.com/buy-domain"
                r"|hugedomains\.com/domain_profile", _I)),
    _parked("for-sale-text", "the page offers the domain for sale", short_page=True,
            body_regex=re.compile(
                r"(?:this|the) domain(?: name)?(?: [a-z0-9.-]{1,100}\.[a-z]{2,12})?"
                r" (?:is|may be) for sale"
                r"|buy this domain|make an offer on this domain|this domain is parked"
                r"|(?:this|the) domain (?:name )?is available for (?:purchase|sale)"
                r"|inquire (?:now )?about this domain|parked free,? courtesy of"
                r"|diese domain (?:steht|ist) zum verkauf|domain (?:kaufen|steht zum verkauf)"
                r"|ce (?:nom de )?domaine est [àa] vendre"
                r"|este dominio (?:est[áa] a la venta|se vende)"
                r"|dominio in vendita|este dom[íi]nio est[áa] [àa] venda"
                r"|このドメインは販売中|该域名(?:正在)?出售", _I)),
)


@dataclass(frozen=True, slots=True)
class Marker:
    """A phrase that, standing alone in a title or heading, means "page not found".
    `strong` markers are specific enough to search for in a short page's whole text."""

    name: str
    pattern: str
    strong: bool = True


# Whole-segment patterns (a title is split at " | ", " - ", " · " ...): "How to fix 404 Not
# Found errors" is an article, "404 - Page Not Found | Site" is not.
SOFT_404_MARKERS: tuple[Marker, ...] = (
    Marker("en-404", r"(?:error\s*)?(?:http\s*)?404(?:\s*error)?", strong=False),
    Marker("en-not-found", r"(?:404\s*)?(?:file |resource |document |article |post )?not found",
           strong=False),
    Marker("en-page-not-found", r"(?:404\s*)?(?:error\s*)?(?:the )?page (?:was )?not found"),
    Marker("en-page-does-not-exist", r"(?:this |the )?page (?:does not|doesn't|doesn’t) exist"),
    Marker("en-cannot-be-found",
           r"(?:sorry,?\s*|oops[!,.]*\s*)?(?:the |this |that )?page (?:you (?:are|were|'re) looking"
           r" for |you requested )?(?:could not|couldn't|couldn’t|cannot|can't|can’t) be found"),
    Marker("en-we-cannot-find",
           r"(?:sorry,?\s*|oops[!,.]*\s*)?we (?:could not|couldn't|couldn’t|can't|can’t|cannot)"
           r" find (?:that|this|the) page"),
    Marker("de-not-found", r"(?:fehler\s*404\s*)?(?:die )?seite (?:wurde )?nicht gefunden"),
    Marker("de-does-not-exist", r"(?:die |diese )?seite existiert nicht"),
    Marker("de-404", r"fehler\s*404", strong=False),
    Marker("fr-not-found",
           r"(?:erreur\s*404\s*)?(?:la )?page (?:introuvable|non trouvée|inexistante)"),
    Marker("fr-does-not-exist", r"(?:cette|la) page n['’]existe pas"),
    Marker("fr-404", r"erreur\s*404", strong=False),
    Marker("es-not-found", r"(?:error\s*404\s*)?(?:la )?página no (?:encontrada|existe)"),
    Marker("es-cannot-find",
           r"no (?:se ha podido encontrar|se encontró|podemos encontrar) la página"),
    Marker("pt-not-found", r"(?:erro\s*404\s*)?(?:a )?página não (?:encontrada|existe)"),
    Marker("pt-404", r"erro\s*404", strong=False),
    Marker("it-not-found", r"(?:errore\s*404\s*)?(?:la )?pagina non (?:trovata|esiste)"),
    Marker("it-404", r"errore\s*404", strong=False),
    Marker("nl-not-found", r"(?:fout\s*404\s*)?(?:de )?pagina (?:niet gevonden|bestaat niet)"),
    Marker("nl-404", r"fout\s*404", strong=False),
    Marker("ru-not-found", r"(?:ошибка\s*404\s*)?страница не (?:найдена|существует)"),
    Marker("ru-404", r"ошибка\s*404", strong=False),
    Marker("ja-not-found",
           r"(?:お探しの)?ページ(?:が|は)(?:見つかりません(?:でした)?|存在しません)"),
    Marker("zh-not-found", r"(?:抱歉[，,]?\s*)?(?:页面|頁面|网页|網頁)(?:不存在|未找到|找不到)"),
    Marker("zh-cannot-find",
           r"(?:抱歉[，,]?\s*)?找不到(?:该|此|該|這個|这个)?(?:页面|頁面|网页|網頁)"),
    Marker("pl-not-found", r"(?:nie znaleziono strony|strona nie (?:została znaleziona|istnieje))"),
    Marker("tr-not-found", r"sayfa bulunamadı"),
    Marker("ko-not-found", r"페이지를 찾을 수 없습니다"),
    # The rest of the web's 30 most used content languages (W3Techs), and the phrasings the
    # languages above were missing. Text is matched lowercased, punctuation turned to spaces.
    Marker("ja-404", r"エラー\s*404|404\s*エラー", strong=False),
    Marker("zh-404", r"(?:错误|錯誤)\s*404|404\s*(?:错误|錯誤)", strong=False),
    Marker("ko-does-not-exist",
           r"(?:요청하신 )?페이지가 존재하지 않습니다|존재하지 않는 페이지(?:입니다)?"),
    Marker("ko-404", r"(?:오류|에러)\s*404|404\s*(?:오류|에러)", strong=False),
    Marker("pl-404", r"błąd\s*404", strong=False),
    Marker("tr-does-not-exist", r"(?:aradığınız )?sayfa (?:mevcut değil|bulunmamaktadır)"),
    Marker("tr-404", r"hata\s*404|404\s*hatası", strong=False),
    Marker("fa-not-found", r"(?:خطای\s*(?:404|۴۰۴)\s*)?صفحه(?: مورد نظر| درخواستی)?"
           r" (?:پیدا نشد|[يی]افت نشد|وجود ندارد)"),
    Marker("fa-404", r"خطای\s*(?:404|۴۰۴)", strong=False),
    Marker("vi-not-found",
           r"(?:lỗi\s*404\s*)?(?:không tìm thấy trang(?: này)?|trang (?:này )?không tồn tại)"),
    Marker("vi-404", r"lỗi\s*404", strong=False),
    Marker("id-not-found",
           r"(?:halaman (?:yang anda cari )?tidak (?:ditemukan|tersedia)"
           r"|(?:maaf )?halaman tidak dapat ditemukan)"),
    Marker("id-404", r"(?:kesalahan|galat)\s*404", strong=False),
    Marker("cs-not-found", r"(?:chyba\s*404\s*)?(?:požadovaná )?stránka (?:nenalezena"
           r"|nebyla nalezena|neexistuje)"),
    Marker("cs-sk-404", r"chyba\s*404", strong=False),  # Czech and Slovak alike
    Marker("uk-not-found", r"(?:помилка\s*404\s*)?сторінк[уа] не (?:знайдено|знайдена|існує)"),
    Marker("uk-404", r"помилка\s*404", strong=False),
    Marker("hu-not-found", r"(?:a keresett |az )?oldal nem (?:található|létezik)"),
    Marker("hu-404", r"hiba\s*404|404 es hiba", strong=False),
    Marker("sv-not-found",
           r"sidan (?:du söker )?(?:hittades inte|kunde inte hittas|finns inte)"),
    Marker("sv-404", r"fel\s*404|404\s*fel", strong=False),
    Marker("ar-not-found",
           r"(?:عذرا )?(?:الصفحة (?:المطلوبة )?غير موجودة|لم يتم العثور على الصفحة(?: المطلوبة)?)"),
    Marker("ar-404", r"خطأ\s*404", strong=False),
    Marker("ro-not-found", r"(?:eroare\s*404\s*)?(?:pagina nu a fost g[ăa]sit[ăa]"
           r"|pagina nu exist[ăa]|pagin[ăa] neg[ăa]sit[ăa])"),
    Marker("ro-404", r"eroare\s*404", strong=False),
    Marker("el-not-found",
           r"(?:σφ[άα]λμα\s*404\s*)?(?:η )?σελ[ίι]δα δεν (?:βρ[έε]θηκε|υπ[άα]ρχει)"),
    Marker("el-404", r"σφ[άα]λμα\s*404", strong=False),
    Marker("da-not-found", r"(?:fejl\s*404\s*)?(?:siden (?:blev ikke fundet|findes ikke)"
           r"|side ikke fundet)"),
    Marker("da-404", r"fejl\s*404", strong=False),
    Marker("fi-not-found", r"(?:virhe\s*404\s*)?sivua ei (?:löytynyt|löydy|ole olemassa)"),
    Marker("fi-404", r"virhe\s*404", strong=False),
    Marker("he-not-found", r"(?:שגיאה\s*404\s*)?(?:ה)?(?:דף|עמוד)(?: המבוקש)?"
           r" (?:לא נמצא|אינו קיים|לא קיים)"),
    Marker("he-404", r"שגיאה\s*404", strong=False),
    Marker("sk-not-found", r"(?:požadovaná )?stránka (?:sa nenašla|nebola nájdená|nenájdená)"),
    Marker("th-not-found", r"(?:ข้อผิดพลาด\s*404\s*)?(?:ไม่พบหน้า(?:นี้|เว็บ|ที่คุณต้องการ)?"
           r"|หน้านี้ไม่มีอยู่)"),
    Marker("th-404", r"ข้อผิดพลาด\s*404", strong=False),
    Marker("bg-not-found", r"(?:грешка\s*404\s*)?страницата не (?:е намерена|съществува)"),
    Marker("bg-404", r"грешка\s*404", strong=False),
    Marker("nb-not-found", r"(?:feil\s*404\s*)?(?:siden (?:finnes ikke|ble ikke funnet)"
           r"|fant ikke siden)"),
    Marker("nb-404", r"feil\s*404", strong=False),
)

# How a title is split into segments before matching a marker against a whole segment.
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•:»/]+\s+|\s*[|·•»]\s*")

# A YouTube watch page for a removed or never-existing video still answers 200.
SITE_REMOVED: tuple[Signature, ...] = (
    Signature("youtube-video-unavailable", Status.BROKEN, Reason.VIDEO_REMOVED,
              statuses=frozenset(range(200, 300)),
              url_regex=re.compile(r"^https?://(?:www\.|m\.)?youtube\.com/watch", re.I),
              body_regex=re.compile(
                  r'"playabilityStatus"\s*:\s*\{\s*"status"\s*:\s*"ERROR"', re.I),
              why="YouTube says the video is unavailable"),
)


@dataclass(frozen=True, slots=True)
class LoginPattern:
    """A URL shape that means "sign in first"."""

    name: str
    regex: re.Pattern[str]


LOGIN_PAGES: tuple[LoginPattern, ...] = (
    LoginPattern("login-path", re.compile(
        r"^https?://[^/?#]+(?:/[^?#]*)?/(?:log-?in|log_in|logon|sign-?in|sign_in|sign-on"
        r"|users/sign_in|users/login|accounts?/login|auth/login|session/new|sessions/new|auth"
        r"|authwall"
        r"|oauth2?/authorize|sso|cas/login)(?:/|\.\w+)?(?:[?#]|$)", re.I)),
    LoginPattern("login-host", re.compile(
        r"^https?://(?:accounts\.google\.com|login\.microsoftonline\.com|login\.live\.com"
        r"|login\.yahoo\.com|id\.atlassian\.com|signin\.aws\.amazon\.com|appleid\.apple\.com"
        r"|[^/?#]*\.auth0\.com|[^/?#]*\.okta\.com|(?:login|signin|sso|auth|accounts?)\.[^/?#]+)"
        r"(?::\d+)?(?:[/?#]|$)", re.I)),
    LoginPattern("login-return-parameter", re.compile(
        r"[?&](?:returnTo|return_to|returnUrl|redirect_to|came_from|next=(?:/|%2F))", re.I)),
)

# A request needed these many bytes of body to recognise most of the above.
TITLE_SCAN_BYTES = 64 * 1024
SHORT_PAGE_CHARS = 2000
