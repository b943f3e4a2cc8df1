"""Search: one contract, two backends (SQLite FTS5 embedded, Elasticsearch), fed from the store."""
