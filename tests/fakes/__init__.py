"""Local fake servers (aiohttp.web on loopback) that tests talk to over real sockets."""
