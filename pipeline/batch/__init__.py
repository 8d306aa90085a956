"""Many files at once: incremental, parallel, one bad file never stopping the others.

- `runner`: `run_batch`, the inputs checked, keyed by content and parsed or carried over;
- `engines`: where the parses run (a local pool or a Dask cluster) and the limits each file gets.
"""
