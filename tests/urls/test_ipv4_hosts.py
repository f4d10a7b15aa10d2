"""Numeric hosts read as browsers read them (WHATWG URL's IPv4 parser): short, decimal, octal
and hex forms name an address, and a host that ends in a number but is no address is invalid."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.urls import ends_in_a_number, literal_ip, normalize, url_problem, whatwg_ipv4

PROPERTY = settings(max_examples=300, deadline=None)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("0x7F.0.0.1", "127.0.0.1"),
        ("10.0x10.1", "10.16.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),
        ("4294967295", "255.255.255.255"),
    ],
)
def test_numeric_forms_name_their_address(host: str, address: str) -> None:
    assert ends_in_a_number(host)
    assert whatwg_ipv4(host) == address


@pytest.mark.parametrize(
    "host",
    ["4294967296", "256.1", "1.2.3.4.5", "09", "1.08", "0xg", "foo.123", "1..2", "1.256.1.1"],
)
def test_a_host_that_ends_in_a_number_but_is_no_address_is_invalid(host: str) -> None:
    assert ends_in_a_number(host) or host.endswith("0xg")
    assert whatwg_ipv4(host) is None
    if ends_in_a_number(host):
        assert url_problem(normalize(f"http://{host}/")) is not None


@pytest.mark.parametrize(
    "host", ["example.org", "roadmap.sh", "1password.com", "k9scli.io", "a.0x7g", "x.1a"]
)
def test_names_are_not_numbers(host: str) -> None:
    assert not ends_in_a_number(host)
    assert normalize(f"https://{host}/") == f"https://{host}/"


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("http://127.1:8080/a", "http://127.0.0.1:8080/a"),
        ("http://2130706433:8080/", "http://127.0.0.1:8080/"),
        ("http://017700000001:8080/", "http://127.0.0.1:8080/"),
        ("HTTP://0X7F.1/", "http://127.0.0.1/"),
        ("http://²/", "http://0.0.0.2/"),  # a number once mapped to ASCII (found by hypothesis)
    ],
)
def test_normalize_rewrites_numeric_hosts(url: str, normal: str) -> None:
    assert normalize(url) == normal
    assert url_problem(normal) is None


FORMS = {
    "decimal": str,
    "hex": hex,
    "octal": lambda n: "0" + format(n, "o"),
}


@PROPERTY
@given(st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from(sorted(FORMS)))
def test_every_single_number_form_names_the_same_address(number: int, form: str) -> None:
    host = FORMS[form](number)
    assert whatwg_ipv4(host) == str(ipaddress.IPv4Address(number))


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=255), min_size=4, max_size=4),
       st.lists(st.sampled_from(sorted(FORMS)), min_size=4, max_size=4))
def test_dotted_forms_mixing_radixes_name_the_same_address(
    octets: list[int], forms: list[str]
) -> None:
    host = ".".join(FORMS[form](octet) for octet, form in zip(octets, forms, strict=True))
    assert whatwg_ipv4(host) == ".".join(map(str, octets))


def test_a_name_that_becomes_a_number_in_ascii_is_read_as_an_address() -> None:
    # U+00B2 SUPERSCRIPT TWO maps to "2" under IDNA: the host is the number 2, so 0.0.0.2,
    # and normalising again changes nothing (found by the idempotence property).
    assert normalize("HTTP://\u00b2") == "http://0.0.0.2/"
    assert normalize(normalize("HTTP://\u00b2")) == "http://0.0.0.2/"


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.9", "127.0.0.9"),
        ("[::1]", "::1"),
        ("[0:0::0001]", "::1"),  # written the one standard way
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("example.test", None),
        ("127.0.0.1.test", None),
        ("", None),
    ],
)
def test_literal_ip_names_only_an_address_written_in_the_url(
    host: str, address: str | None
) -> None:
    assert literal_ip(host) == address
