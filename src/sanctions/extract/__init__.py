"""Documents and payment messages into screening queries."""
