"""Writes to an existing object send the ETag the client read, as the API requires."""


def if_match(client, url: str) -> dict:
    """Read `url` as `client` and return its ETag as the If-Match header of the next write."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return {"HTTP_IF_MATCH": response["ETag"]}
