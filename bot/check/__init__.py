"""The link checker: observe each URL over HTTP, then classify what was seen into a verdict."""
