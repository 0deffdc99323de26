"""A worker's own copies of cached responses (core.hot_copies)."""

from django.http import HttpResponse

from core.hot_copies import HotCopies


def _response(body: bytes, **headers) -> HttpResponse:
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    return response


def test_each_hit_is_a_new_response():
    copies = HotCopies(10_000)
    copies.put("k", _response(b"story", ETag='"abc"'), 60)
    first = copies.get("k")
    first["X-Cache"] = "hit"
    first.set_cookie("csrftoken", "secret")
    second = copies.get("k")
    assert second.content == b"story" and second["ETag"] == '"abc"'
    assert not second.has_header("X-Cache") and not second.cookies


def test_copies_are_bounded_by_bytes_least_recently_used_first():
    copies = HotCopies(8 * 1000)  # one response may be at most an eighth: 1,000 bytes
    for n in range(15):
        copies.put(f"k{n}", _response(b"x" * 700), 60)
        copies.get("k0")  # kept in use
    assert copies.get("k0") is not None
    assert copies.get("k1") is None  # the least recently used left first
    assert copies.get("k14") is not None
    assert copies._bytes <= copies.max_bytes


def test_a_response_too_large_to_share_memory_is_not_kept():
    copies = HotCopies(8 * 1000)
    copies.put("big", _response(b"x" * 2000), 60)
    assert copies.get("big") is None


def test_a_copy_expires_with_the_shared_one(monkeypatch):
    copies = HotCopies(10_000)
    copies.put("k", _response(b"story"), 60)
    import core.hot_copies

    now = core.hot_copies.time.monotonic()
    monkeypatch.setattr(core.hot_copies.time, "monotonic", lambda: now + 61)
    assert copies.get("k") is None
    assert copies._bytes == 0


def test_zero_bytes_turns_copies_off():
    copies = HotCopies(0)
    copies.put("k", _response(b"story"), 60)
    assert copies.get("k") is None


def test_the_gzip_variant_keeps_its_identity_etag():
    copies = HotCopies(10_000)
    stored = _response(b"\x1f\x8b...", ETag='"abc-gzip"')
    stored.identity_etag = '"abc"'
    copies.put("k", stored, 60)
    assert copies.get("k").identity_etag == '"abc"'
