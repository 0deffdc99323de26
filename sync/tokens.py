"""Sync tokens: a client's signed position in the content change log (stories.changes)."""

import dataclasses
import datetime as dt

from django.core import signing

from stories.models import ContentChange

Kind = ContentChange.Kind

TOKEN_SALT = "newsroom.api.sync"
TOKEN_VERSION = 2

# What a first (full) sync sends, kind after kind, each in id order.
SNAPSHOT_PHASES = (Kind.STORY, Kind.CATEGORY, Kind.PERSON, Kind.ORGANIZATION, Kind.SOURCE)


class InvalidToken(ValueError):
    """The sync token was not issued by this server, or is damaged."""


@dataclasses.dataclass(frozen=True)
class SyncPosition:
    """Where a client stands: log position, time of its last sync, and paging progress.

    While a first (full) sync is paged through, `phase` is the kind being sent (a `Kind`
    value, see `SNAPSHOT_PHASES`) and `after` the id of the last one of that kind sent.
    While stories whose scheduled time came are paged through, `synced_at` is the
    publication time of the last one sent and `came_out_after` its id.
    """

    change_id: int
    synced_at: dt.datetime
    phase: str | None = None
    after: int = 0
    came_out_after: int | None = None

    def to_token(self) -> str:
        payload = {"v": TOKEN_VERSION, "c": self.change_id, "t": self.synced_at.isoformat()}
        if self.phase is not None:
            payload["p"] = self.phase
            payload["a"] = self.after
        if self.came_out_after is not None:
            payload["o"] = self.came_out_after
        return signing.dumps(payload, salt=TOKEN_SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> "SyncPosition":
        """The position a token holds; tokens of version 1 (stories-only paging) still parse."""
        try:
            payload = signing.loads(token, salt=TOKEN_SALT)
            version = payload.get("v")
            phase, after, came_out_after = None, 0, None
            if version == 1:
                # A first sync of version 1 paged stories only, by `a`.
                if payload.get("a") is not None:
                    phase, after = Kind.STORY.value, int(payload["a"])
            elif version == TOKEN_VERSION:
                if payload.get("p") is not None:
                    phase, after = Kind(payload["p"]).value, int(payload["a"])
                    if phase not in SNAPSHOT_PHASES:
                        raise InvalidToken("Unknown snapshot phase.")
                if payload.get("o") is not None:
                    came_out_after = int(payload["o"])
            else:
                raise InvalidToken("Unknown token version.")
            position = cls(
                change_id=int(payload["c"]),
                synced_at=dt.datetime.fromisoformat(payload["t"]),
                phase=phase,
                after=after,
                came_out_after=came_out_after,
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidToken("This sync token is not valid; sync again without one.") from exc
        if position.synced_at.tzinfo is None:
            raise InvalidToken("This sync token is not valid; sync again without one.")
        return position
