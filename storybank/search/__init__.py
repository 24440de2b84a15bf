"""Full-text and theme search with one interface over two engines (Whoosh, PostgreSQL)."""
from storybank.search.redaction import redact_query_string, redact_request_line

__all__ = ["redact_query_string", "redact_request_line"]
