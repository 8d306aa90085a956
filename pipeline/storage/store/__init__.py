"""The output folder: which files are the current tables, which files are ours.

    DIR/_pipeline.json          marker: the folder is a plan-parse output (written once)
    DIR/_current.json           the record of the current version, replaced in one step
    DIR/v000012/                one version of the tables, never changed once written:
        documents.parquet …         its tables (a record may list several files per table)
        _manifest.json              what the run knew of its inputs (see pipeline.batch.runner)
        _version.json               its own record, the same as _current.json was
    DIR/.cache/<sha256>.arrow   the rows of one parsed document (see pipeline.batch.runner)
    DIR/dataset/<table>/        with `--layout dataset`: the table's part files, shared by versions
        b00003of00008-<sha>.parquet  the rows of one range of doc_ids; named by its content, never changed

A record lists each table's files; an entry marked `shared` is a part file in
`dataset/<table>/`, any other a file in the version's own folder. A run
writes only the part files whose content is new (the name says the content),
and removes a part file when no version on disk lists it any more.

Snapshot reads: a run writes a new version into a folder of its own, then
replaces `_current.json` (`os.replace`, atomic), so a reader that reads the
record once and opens only the files it names sees one whole version. While it
reads, a reader holds a shared lock on the version's `_version.json`; a run
removes a version that is neither current nor the one before only when it can
take that lock exclusively, so a reader's files are never deleted under it.

Nothing in the folder is trusted as more than data: every name read from a
record must be a plain file name (no folder part, no `..`), else it is
ignored with a warning; files are checked against the size and SHA-256 the
record gives. A run deletes only files it names itself (a version's listed
files, its own temporary files), never anything else.

- `files`: the folder's files opened, read and replaced safely;
- `records`: the layout's names and the version records;
- `readers`: a version pinned for readers, read whole or refused;
- `claims`: a run's claim and lock, and the versions it writes and prunes.
"""
