"""Specific exceptions raised by the knowledge library; the edges turn them into messages."""


class KnowledgeError(Exception):
    """Base class for every error the knowledge library raises on purpose."""


class DatabaseMissing(KnowledgeError):
    """The knowledge-base file does not exist (run `kb init`)."""


class NotFound(KnowledgeError):
    """No programme with that id."""


class DuplicateId(KnowledgeError):
    """A programme id appears twice where it must be unique."""


class InvalidRecord(KnowledgeError):
    """One or more records failed validation. ``problems`` lists (location, message) pairs."""

    def __init__(self, problems):
        self.problems = list(problems)
        lines = "; ".join(f"{loc}: {msg}" if loc else msg for loc, msg in self.problems[:20])
        more = f" (and {len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        super().__init__(f"invalid record(s): {lines}{more}")


class InvalidQuery(KnowledgeError):
    """The search text is empty or too long."""


class EncoderUnavailable(KnowledgeError):
    """The configured encoder backend cannot be loaded."""
