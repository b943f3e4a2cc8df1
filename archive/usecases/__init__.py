"""Use cases over records, written once and called alike by the CLI, the API and the web
pages: each takes the Archive (store, search, audit) and the Actor who asks, checks what is
asked, masks what the actor may not see, and writes the audit log."""

from archive.usecases.context import Archive
from archive.usecases.errors import Conflict, Gone, Invalid, NotFound, Refused, Unavailable

__all__ = ["Archive", "Conflict", "Gone", "Invalid", "NotFound", "Refused", "Unavailable"]
