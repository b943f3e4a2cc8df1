"""Deterministic synthetic veterans' archive scans with ground truth (scripts/make_samples.py)."""
