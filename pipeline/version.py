"""The version of the parser and of the package, in one place: CHANGELOG.md says what each changed.

A new version number is a promise that the tables may differ: runs parse every file again (the cache
is keyed by it). Kept in a module of its own so that `plan-parse --version` imports nothing else.
"""

VERSION = "0.5.4"
