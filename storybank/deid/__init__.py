"""De-identification: proposals of identifiers to replace before a story reaches a workshop."""
