"""URL helpers, pure: normalisation for de-duplication and requests, host keys, redirects.

`normalize` never raises: a string it cannot make sense of comes back trimmed and otherwise
unchanged, so callers can always de-duplicate on it. `url_problem` says whether a URL can be
requested at all; `InvalidURL` is raised only by `resolve_redirect`, whose answer must be
requestable.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import string
from urllib.parse import urljoin

import idna

DEFAULT_PORTS = {"http": "80", "https": "443"}
HTTP_SCHEMES = frozenset(DEFAULT_PORTS)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Characters an HTTP request-target may not carry raw; everything else is kept exactly.
_UNSAFE = frozenset('"<>`{}')
# One search instead of a per-character loop: anything outside visible ASCII, or unsafe.
_NEEDS_QUOTING = re.compile(r'[^\x21-\x7e]|["<>`{}]')
_AUTHORITY_END = re.compile(r"[/?]")
# Characters no host may hold (WHATWG's forbidden host code points that survive the split).
_FORBIDDEN_IN_HOST = re.compile(r"""[ %<>\\^|"'`{}]""")
# One link's URL is normalised and split by planning, the request, the verdict and the
# report; a run of 10,000+ links fits, and each entry is a few hundred bytes.
_CACHE_SIZE = 32 * 1024
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# WHATWG URL parsing drops tabs and newlines anywhere and C0 controls/space at the ends.
_STRIP = "".join(chr(code) for code in range(0x21))
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/home", "/home/"})
# Sites that put their front page under a language prefix. Only common site languages are
# listed: a bare two-letter path such as /ml, /ai, /go or /ok is a real page far more often,
# and taking it for a front page would turn a plain redirect into a false soft 404.
_SITE_LANGUAGES = "en|de|fr|es|pt|nl|ru|ja|zh|ko|pl|tr|sv|uk|it"
_LOCALE_HOME = re.compile(rf"^/(?:{_SITE_LANGUAGES})(?:[-_][a-zA-Z]{{2,4}})?/?$", re.IGNORECASE)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# A URL `normalize` would give back unchanged, as most links are written: http(s) in lowercase,
# a lowercase host that is a name whose last label starts with a letter (so no IPv4 reading
# applies) or a dotted quad without leading zeros, no userinfo, a port without leading zeros
# (one that is the scheme's default is checked apart), then a path of visible ASCII that needs
# no quoting and holds no fragment.
_ALREADY_NORMAL = re.compile(
    r"(https?)://"
    rf"(?:(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*|{_OCTET}(?:\.{_OCTET}){{3}})"
    r"(?::([1-9][0-9]*))?"
    r"/[\x21\x24-\x3b\x3d\x3f-\x5f\x61-\x7a\x7c\x7e]*"
)


class InvalidURL(ValueError):
    """A URL that cannot be turned into an HTTP request (no host, bad port, ...)."""


@functools.lru_cache(maxsize=_CACHE_SIZE)
def normalize(url: str) -> str:
    """The form of `url` used to de-duplicate and to request it; idempotent, never raises.

    http(s) URLs: scheme and host lowercased, IDN hosts IDNA-encoded, userinfo dropped (we
    never send credentials), fragment dropped, default port removed, an empty path made
    "/", spaces/controls/non-ASCII/``"<>`{}`` percent-encoded in path and query (existing
    ``%XX`` sequences untouched). Other schemes: only trimmed and the scheme lowercased.
    """
    written = _ALREADY_NORMAL.fullmatch(url)
    if written is not None and written.group(2) != DEFAULT_PORTS[written.group(1)]:
        return url  # a tenth of the work below, for a 10,000-link list's plan: 35 ms
    return _normalized(url)


def _normalized(url: str) -> str:
    """`normalize` the whole way."""
    text = url.replace("\t", "").replace("\n", "").replace("\r", "").strip(_STRIP)
    match = _SCHEME.match(text)
    if not match:
        return text
    scheme, rest = match.group(1).lower(), text[match.end():]
    if scheme not in HTTP_SCHEMES or not rest.startswith("//"):
        return f"{scheme}:{rest}"
    rest = rest[2:].split("#", 1)[0]
    authority, tail = _split_authority(rest)
    path, sep, query = tail.partition("?")
    host = _normal_authority(scheme, authority)
    return f"{scheme}://{host}{quote_unsafe(path) or '/'}{sep}{quote_unsafe(query)}"


def _split_authority(rest: str) -> tuple[str, str]:
    found = _AUTHORITY_END.search(rest)
    end = found.start() if found else len(rest)
    return rest[:end], rest[end:]


def _normal_authority(scheme: str, authority: str) -> str:
    hostport = authority.rpartition("@")[2]
    host, port = _split_port(hostport)
    if port.isdigit() and port.lstrip("0") == DEFAULT_PORTS[scheme]:
        port = ""
    return _normal_host(host) + (f":{port}" if port else "")


def _split_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        close = hostport.find("]")
        if close != -1 and hostport[close + 1:].startswith(":"):
            return hostport[: close + 1], hostport[close + 2:]
        return hostport, ""
    host, sep, port = hostport.rpartition(":")
    return (host, port) if sep else (hostport, "")


# A run's URLs share a few hundred hosts: each host is read once (IDNA, IPv4 forms).
@functools.lru_cache(maxsize=_CACHE_SIZE)
def _normal_host(host: str) -> str:
    # As WHATWG orders it: the name to ASCII first (U+00B2 '²' becomes '2'), then a host
    # that ends in a number is read as an IPv4 address.
    ascii_host = _ascii_host(host)
    if ends_in_a_number(ascii_host):
        return whatwg_ipv4(ascii_host) or ascii_host
    return ascii_host


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host.translate(_ASCII_LOWER)
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    try:  # IDNA 2003 accepts some names (e.g. with symbols) that IDNA 2008 refuses
        return host.encode("idna").decode("ascii").translate(_ASCII_LOWER)
    except UnicodeError:
        return host.translate(_ASCII_LOWER)  # unusable; `url_problem` will say so


# ---- numeric hosts, read as browsers read them (WHATWG URL, "IPv4 parser") -----------------
# `http://127.1/`, `http://2130706433/`, `http://0x7f.1/` and `http://017700000001/` all name
# 127.0.0.1 in every browser and in getaddrinfo; a guard that reads them as names misjudges
# them, so they are rewritten to the dotted-quad they denote before anything judges them.


def ends_in_a_number(host: str) -> bool:
    """True when the host's last label is a number (decimal, or 0x-hex): WHATWG then parses
    the whole host as an IPv4 address, and fails the URL when that parse fails."""
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    last = labels[-1]
    if not last[:1].isdigit():
        return False  # fast path: no top-level domain starts with a digit
    if last.isdigit():
        return True
    return last[:2] == "0x" and all(ch in "0123456789abcdef" for ch in last[2:])


@functools.lru_cache(maxsize=4096)  # one parse per numeric host, not one per link on it
def whatwg_ipv4(host: str) -> str | None:
    """The dotted-quad address of a numeric host (short, decimal, octal and hex forms), or
    None when it is not a valid IPv4 address in any of them."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    values = [number for number in numbers if number is not None]
    if any(value > 255 for value in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    address = values[-1]
    for index, value in enumerate(values[:-1]):
        address += value << (8 * (3 - index))
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


_RADIX_DIGITS = {8: frozenset("01234567"), 10: frozenset(string.digits),
                 16: frozenset(string.hexdigits)}


def _ipv4_number(part: str) -> int | None:
    if not part:
        return None
    radix, digits = 10, part
    if part[:2] in ("0x", "0X"):
        radix, digits = 16, part[2:]
    elif len(part) > 1 and part[0] == "0":
        radix, digits = 8, part[1:]
    if not digits:
        return 0
    if not all(ch in _RADIX_DIGITS[radix] for ch in digits):
        return None
    return int(digits, radix)


def quote_unsafe(part: str) -> str:
    """Percent-encode what may not appear raw in a request-target; keep ``%XX`` as written."""
    if not _NEEDS_QUOTING.search(part):
        return part
    return "".join(_quote_char(ch) for ch in part)


def _quote_char(ch: str) -> str:
    if ch.isascii() and ch not in _UNSAFE and 0x20 < ord(ch) < 0x7F:
        return ch
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))


def scheme_of(url: str) -> str:
    """The lowercased scheme of `url`, or "" when it has none."""
    match = _SCHEME.match(url.strip(_STRIP))
    return match.group(1).lower() if match else ""


def is_http(url: str) -> bool:
    """True for an http(s) URL with a host."""
    return scheme_of(url) in HTTP_SCHEMES and bool(host_of(url))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def split_normal(url: str) -> tuple[str, str, str, str]:
    """(scheme, host[:port], path, query) of the normalised URL; empty parts when absent."""
    normal = normalize(url)
    scheme = scheme_of(normal)
    if scheme not in HTTP_SCHEMES or not normal.startswith(f"{scheme}://"):
        return scheme, "", "", ""
    authority, tail = _split_authority(normal[len(scheme) + 3:])
    path, _, query = tail.partition("?")
    return scheme, authority, path, query


def host_key(url: str) -> str:
    """host[:port] of the normalised URL (default port omitted): the per-host limit key."""
    return split_normal(url)[1]


def host_of(url: str) -> str:
    """The normalised host without port or brackets, or ""."""
    host, _ = _split_port(host_key(url))
    return host.strip("[]")


def host_matches(host: str, pattern: str) -> bool:
    """True when `host` is `pattern` or one of its subdomains (``linkedin.com`` matches
    ``www.linkedin.com``)."""
    host, pattern = host.lower().rstrip("."), pattern.lower().strip(".")
    return host == pattern or host.endswith("." + pattern)


def site_of(url: str) -> str:
    """The host without a leading ``www.``: two URLs of one site share it."""
    return host_of(url).removeprefix("www.")


def same_site(first: str, second: str) -> bool:
    """True when the two URLs are on one site: same host ignoring ``www.``, or one host is
    a subdomain of the other (``blog.example.org`` and ``example.org``)."""
    one, two = site_of(first), site_of(second)
    return bool(one) and (host_matches(one, two) or host_matches(two, one))


def is_home_page(url: str) -> bool:
    """True when the URL is a site's front page: ``/``, ``/index.html``, ``/en/`` and the like,
    with no query."""
    _, host, path, query = split_normal(url)
    if not host or query:
        return False
    return path in _HOME_PATHS or bool(_LOCALE_HOME.match(path))


def is_deep(url: str) -> bool:
    """True when the URL's path points below a site's front page. A query alone does not
    count: ``/?utm_source=x`` redirected to ``/`` is not a lost page."""
    _, host, path, _ = split_normal(url)
    return bool(host) and path not in _HOME_PATHS and not _LOCALE_HOME.match(path)


def same_site_home(original: str, final: str) -> bool:
    """True when a deep `original` URL ended on its own site's home page: the classic
    "we removed it, here's our front page" soft 404."""
    return is_deep(original) and is_home_page(final) and same_site(original, final)


def front_page_layout(original: str, target: str) -> bool:
    """True when a site's front page leads to another page of the same site (``/`` to
    ``/book/index.html`` or ``/en/latest/``): that is the site's layout, and the front page
    stays its stable name. A front page that moved to another site, or only changed its
    scheme or host spelling (``http://x.org/`` to ``https://www.x.org/``), really moved."""
    if not (is_home_page(original) and same_site(original, target)):
        return False
    _, host, path, query = split_normal(target)
    return bool(host) and (path not in ("", "/") or bool(query))


def url_problem(url: str) -> str | None:
    """Why `url` cannot be requested over HTTP, or None when it can."""
    scheme, authority, _, _ = split_normal(url)
    if scheme not in HTTP_SCHEMES:
        return f"unsupported scheme {scheme or 'missing'!r}"
    return _authority_problem(authority)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _authority_problem(authority: str) -> str | None:
    host, port = _split_port(authority)
    if not host or host == "[]":
        return "URL has no host"
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return f"invalid port {port!r}"
    if host.startswith("[") != host.endswith("]"):
        return f"invalid IPv6 literal {host!r}"
    if ends_in_a_number(host) and whatwg_ipv4(host) is None:
        return f"invalid IPv4 address {host!r}"
    if not host.isascii() or _FORBIDDEN_IN_HOST.search(host):
        return f"invalid host {host!r}"
    return None


def resolve_redirect(base: str, location: str) -> str:
    """The absolute URL a ``Location`` header points to from `base`; the fragment of `base`
    is carried over when the location has none (RFC 9110 §10.2.2). Raises `InvalidURL` when
    the location cannot be resolved."""
    location = location.strip(_STRIP)
    if not location:
        raise InvalidURL("empty Location header")
    try:
        target = urljoin(base.split("#", 1)[0], location)
    except ValueError as exc:  # e.g. an unbalanced IPv6 bracket
        raise InvalidURL(f"cannot resolve Location {location!r}: {exc}") from exc
    if "#" not in target and "#" in base:
        target += "#" + base.split("#", 1)[1]
    return target


def literal_ip(host: str) -> str | None:
    """The address a URL's host names literally ("[::1]", "10.0.0.1"), written the one
    standard way; None for a host name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None
