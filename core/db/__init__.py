"""Database backends: PostgreSQL with a client-side deadline on every round trip."""
