"""Hypothesis strategies for URLs as people write them: IDN hosts, ports, emoji and
percent-encoded paths, balanced parentheses, queries."""

from __future__ import annotations

import string

from hypothesis import strategies as st

LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
IDN_LABEL = st.sampled_from(["bücher", "münchen", "пример", "例え", "straße"])
TLD = st.sampled_from(["com", "org", "io", "example", "community"])
HOST = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABEL | IDN_LABEL, min_size=1, max_size=3),
    TLD,
)
NON_ASCII = "üéß中日🛠\ufe0f"
# Characters people really put in paths: no whitespace, quotes, angle brackets, backslash,
# backtick, or ';' (which would make '&x;' an HTML entity).
PATH_CHARS = string.ascii_letters + string.digits + "-._~!$'*+,=:@%&" + NON_ASCII
# Bare URLs in prose must also avoid Markdown emphasis markers and trailing punctuation.
BARE_CHARS = string.ascii_letters + string.digits + "-.=%+@$" + NON_ASCII


def _path(chars: str, parens: bool) -> st.SearchStrategy[str]:
    segment = st.text(alphabet=chars, max_size=10)
    if parens:
        segment = segment | segment.map(lambda text: f"({text})")
    return st.lists(segment, max_size=4).map(lambda segments: "/" + "/".join(segments))


def urls(chars: str = PATH_CHARS, parens: bool = True) -> st.SearchStrategy[str]:
    """Absolute http(s) URLs with optional port, path, query."""
    port = st.none() | st.integers(min_value=1, max_value=65535)
    query = st.none() | st.text(alphabet=string.ascii_letters + string.digits + "=&-_.%~+",
                                max_size=12)
    return st.builds(
        lambda scheme, host, port, path, query: (
            f"{scheme}://{host}{'' if port is None else f':{port}'}{path}"
            f"{'' if query is None else '?' + query}"
        ),
        st.sampled_from(["http", "https"]),
        HOST,
        port,
        _path(chars, parens),
        query,
    )


def bare_urls() -> st.SearchStrategy[str]:
    """URLs that stand alone in prose: they end in a letter, digit or '/' so no punctuation
    trimming applies, and carry no emphasis markers or parentheses."""
    return urls(BARE_CHARS, parens=False).filter(lambda url: url[-1].isalnum() or url[-1] == "/")


FILLER = st.text(alphabet=string.ascii_letters + string.digits + " .,!?", max_size=30).map(
    lambda text: text.strip(" ")
)
