"""Story sets, story cards, sense-making sessions and their insights."""
