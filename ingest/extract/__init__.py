"""Key fields from OCR'd pages: found by label, normalised, validated, with evidence."""
