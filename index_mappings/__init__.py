"""Elasticsearch index settings and mappings, versioned (records-vN.json), shipped as package
data so an installed wheel has them; data only, no code."""
