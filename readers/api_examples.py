"""Documented examples for the accounts' API endpoints."""

from drf_spectacular.utils import OpenApiExample

V1 = "https://newsroom.example/api/v1"


def _response(name: str, value, description: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, description=description, response_only=True)


def _request(name: str, value, description: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, description=description, request_only=True)


SIGN_UP_REQUEST = _request(
    "A new reader",
    {"username": "amara", "email": "amara@example.com", "password": "a-long-Passphrase-9"},
)
SIGNED_UP = _response(
    "Signed up",
    {
        "username": "amara",
        "email": "amara@example.com",
        "token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
    },
)

ACCOUNT = _response(
    "The signed-in account",
    {
        "username": "amara",
        "email": "amara@example.com",
        "date_joined": "2026-02-06T09:30:00Z",
        "last_login": None,
        "following_url": f"{V1}/me/following/",
        "export_url": f"{V1}/me/export/",
        "delete_url": f"{V1}/me/delete/",
    },
)
PASSWORD_REQUEST = _request("The account's password", {"password": "a-long-Passphrase-9"})
EXPORT = _response(
    "A reader's data",
    {
        "account": {
            "username": "amara",
            "email": "amara@example.com",
            "date_joined": "2026-02-06T09:30:00+00:00",
            "last_login": None,
        },
        "follows": [
            {
                "story": "us-russia-restore-military-communication-channel",
                "headline": "U.S. and Russia Restore Military Communication Channel",
                "followed_at": "2026-02-06T09:31:12+00:00",
                "last_seen_at": "2026-02-06T09:31:12+00:00",
            }
        ],
        "exported_at": "2026-02-07T10:00:00+00:00",
    },
)
