"""Property: a Markdown URL edit either changes exactly the link URLs asked for, nothing else,
or refuses; it never writes a document that reads differently."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from bot.curate.markdown_edit import edit_markdown
from bot.errors import InputError
from bot.extract.markdown_links import markdown_links
from tests.extract.strategies import FILLER, urls
from tests.extract.test_properties import DECOY, MARKDOWN_DECOYS, MARKDOWN_FORMS, PROPERTY

FORMS = [*MARKDOWN_FORMS, lambda url, i: f"| {i} | [cell {i}]({url}) |\n|---|---|\n",
         lambda url, i: f"- item {i}\n  - [nested {i}](<{url}>)\n"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    """A document of links (some to the target URL), filler and decoys; and the target."""
    target = draw(urls())
    # Other URLs neither contain the target nor are contained in it: every place the target's
    # text appears is then one of its links, which the property below relies on.
    others = draw(st.lists(urls().filter(lambda url: target not in url and url not in target),
                           max_size=3))
    parts = []
    for index, url in enumerate(draw(st.permutations([target, target, *others]))):
        parts.append(draw(FILLER))
        parts.append(draw(st.sampled_from(FORMS))(url, index))
        parts.append(draw(st.sampled_from(["", *MARKDOWN_DECOYS])))
    return "\n\n".join(parts) + "\n", target


@PROPERTY
@given(documents(), urls())
def test_only_the_asked_urls_change_or_nothing(document: tuple[str, str], new: str) -> None:
    text, old = document
    old_amp, new_amp = old.replace("&", "&amp;"), new.replace("&", "&amp;")
    assume(old != new and old not in new_amp and new not in old and DECOY not in new)
    assume(new not in text and new_amp not in text)
    try:
        edited = edit_markdown(text, {old: new}, "list.md")
    except InputError:
        return  # refused (a URL not written as the parser reads it): nothing is written
    before, after = markdown_links(text), markdown_links(edited)
    assert [link.url for link in after] == [new if b.url == old else b.url for b in before]
    assert [link.line for link in after] == [link.line for link in before]
    assert edited.count(DECOY) == text.count(DECOY)
    # Every written form of the old URL, and nothing else, now reads as the new one.
    escaped = text.replace(old_amp, new_amp) if old_amp != old else text
    assert edited == escaped.replace(old, new)
