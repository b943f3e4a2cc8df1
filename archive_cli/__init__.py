"""The `archive` command: the composition root that builds the settings and wires the
packages below it (ocr, archive, ingest, search_api) into commands."""
