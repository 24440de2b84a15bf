"""Full-text and theme search with one interface over two engines (Whoosh, PostgreSQL)."""
