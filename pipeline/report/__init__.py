"""One HTML review page per parsed document, from the tables of the current version."""
