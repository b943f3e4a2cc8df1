"""Deterministic synthetic veterans' archive scans with ground truth (see scripts/make_samples.py)."""
