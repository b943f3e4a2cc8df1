"""The core every other package stands on: settings, domain types, failure codes, text
normalisation, the store, the search backends, and the use cases over records."""

__version__ = "0.1.0"
