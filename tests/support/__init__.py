"""What the tests share: the fixture documents by name, and generators of PDFs, pages and scans."""
