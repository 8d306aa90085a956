"""The records every stage passes on, and the failures that stop a document.

- `records`: the plain, frozen records (`Page`, `Line`, `Paragraph`, `Node`, `Outline`, `Issue` …);
- `errors`: the documented failures, each a one-line reason naming the file.
"""
