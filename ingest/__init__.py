"""File to record: intake, page splitting, the OCR pipeline and its jobs."""
