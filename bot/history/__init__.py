"""Memory across nights: what each URL and resource looked like on earlier runs."""
