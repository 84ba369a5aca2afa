"""The one error type the extractor lets escape.

Callers (the CLI, the crawler's pipeline, the property tests) catch exactly this; anything
else escaping `extractors.extract` is a bug. `reason` is a short machine-readable code so a
crawl can count failures by kind.
"""


class ExtractionError(ValueError):
    """A document that cannot be read as a report: empty, garbage, truncated, too big, hostile."""

    REASONS = (
        "empty",          # no bytes at all
        "too_large",      # over the size limit
        "unreadable",     # bytes that are no document we know (binary garbage)
        "corrupt",        # a PDF/DOCX/DOC that its reader rejects (truncated, damaged)
        "hostile",        # a document built to exhaust memory or time (zip bomb, entity bomb)
        "unsupported",    # a format we recognise but cannot convert here (.doc without LibreOffice)
        "timeout",        # reading took longer than the time budget
        "crashed",        # the process reading it died (the crawler reads in worker processes)
    )

    def __init__(self, reason: str, message: str):
        assert reason in self.REASONS, reason
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message

    def __reduce__(self):
        # pickled back from the crawler's reading processes: rebuilt from both arguments
        # (the default would call __init__ with the one formatted string, and fail)
        return type(self), (self.reason, self.message)
