"""HTTP API and staff web pages (the archive API issue builds this package)."""
