"""What the text says, read as facts that compare across documents.

- `dates`: deadline cells as milestones (`Quý I/2021` → 2021-01-01 … 2021-03-31);
- `citations`: the legal documents cited in running text;
- `targets`: quantified targets (`đạt tối thiểu 40%`);
- `agencies`: every spelling of one agency meets one id;
- `resolve`: stage 6, the citations of every document gathered into the documents they cite.
"""
