"""Core shared by every part of vetarchive: settings, domain types, the store, the CLI."""

__version__ = "0.1.0"
