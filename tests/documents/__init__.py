"""End to end on real documents: goldens, the corpus, legal-database pages, typeset and fuzzed inputs."""
