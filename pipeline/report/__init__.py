"""One HTML review page per parsed document, from the tables of the current version.

- `page`: the entry points (write_report, render_report, is_review_page) and the page's frame, CSS and script;
- `rows`: the document's rows from the tables, and how their values read;
- `flags`: the appendix rows and outline nodes each warning names;
- `sections`: the page's sections as HTML;
- `timeline`: the timeline's SVG.
"""
