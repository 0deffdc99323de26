"""What makes a SECRET_KEY usable in production, and a fresh one.

Settings refuse to start with DEBUG off unless `secret_key_problem` finds nothing, and
`deploy/make-env` writes `new_secret_key()` into `.env`. Standard library only: make-env runs
before any dependency is installed.
"""

import secrets

# Django's own deployment check (security.W009): at least 50 characters, 5 of them different.
MIN_LENGTH = 50
MIN_UNIQUE = 5
# Keys that were public at some point (the old .env.example, test and build defaults).
PUBLISHED = {
    "change-me-to-a-long-random-string",
    "insecure-test-only-key",
    "dev-only-insecure-key-never-use-in-production",
    "build-only",
    "migrations-check",
}
# Words that say a key was written by hand as a stand-in (or by `startproject`).
PLACEHOLDERS = (
    "change-me",
    "changeme",
    "change_me",
    "insecure",
    "dev-only",
    "test-only",
    "not-secret",
    "placeholder",
    "example",
    "your-secret",
    "replace-me",
)
HOW_TO_FIX = (
    "Run `deploy/make-env` (it writes a random SECRET_KEY to .env, which settings read), or "
    "set SECRET_KEY to the output of "
    "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`. "
    "A SECRET_KEY in the environment wins over .env: unset it to use the file's. For "
    "development, `make run` and `make test` write .env themselves."
)


def new_secret_key() -> str:
    """A random key of 67 URL-safe characters (50 random bytes)."""
    return secrets.token_urlsafe(50)


def secret_key_problem(key: str) -> str | None:
    """Why `key` may not sign anything in production, or None when it may."""
    if not key:
        return f"SECRET_KEY must be set when DEBUG is off. {HOW_TO_FIX}"
    lowered = key.lower()
    if key in PUBLISHED:
        return f"SECRET_KEY is a key published in this repository. {HOW_TO_FIX}"
    word = next((w for w in PLACEHOLDERS if w in lowered), None)
    if word or lowered.startswith("django-insecure"):
        return (
            f"SECRET_KEY looks like a placeholder (it contains {word or 'django-insecure'!r}). "
            f"{HOW_TO_FIX}"
        )
    if len(key) < MIN_LENGTH or len(set(key)) < MIN_UNIQUE:
        return (
            f"SECRET_KEY is too weak ({len(key)} characters, {len(set(key))} different; at "
            f"least {MIN_LENGTH} and {MIN_UNIQUE} are needed). {HOW_TO_FIX}"
        )
    return None
