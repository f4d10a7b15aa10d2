"""Second opinions: who else can vouch for a link the check could not see (after `check/`)."""
