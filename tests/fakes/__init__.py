"""Engines that stand in for the real ones where a test is about something else: they read
a known text, crash their process, hang, or run out of memory, on cue."""
