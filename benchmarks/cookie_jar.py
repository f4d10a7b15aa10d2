"""What the run's cookie jar costs a request once many sites have set cookies: the jar
`bot.check.cookies.Cookies` against the standard library's plain one, in one process, no
network (timeit).

    .venv/bin/python benchmarks/cookie_jar.py --sites 1000
"""

from __future__ import annotations

import argparse
import http.cookiejar
import timeit

from bot.check import cookie_jar
from bot.check.cookies import Cookies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args()
    ours, plain = Cookies(), http.cookiejar.CookieJar()
    for site in range(args.sites):
        url = f"https://www.site{site}.example/page"
        set_cookie = [f"sid={site}; Path=/", "pref=1; Path=/; Max-Age=3600"]
        ours.remember(url, set_cookie)
        cookie_jar.remember(plain, url, set_cookie)
    for name, url in (("a host with cookies", "https://www.site5.example/x"),
                      ("a host without", "https://elsewhere.example/x")):
        for jar_name, ask in (("roadmap-bot", lambda u=url: ours.header_for(u)),
                              ("plain", lambda u=url: cookie_jar.header_for(plain, u))):
            number = args.number if jar_name == "roadmap-bot" else max(1, args.number // 50)
            per_call = timeit.timeit(ask, number=number) / number
            print(f"{jar_name:12s} {name:20s} {per_call * 1e6:9.1f} us a request")


if __name__ == "__main__":
    main()
