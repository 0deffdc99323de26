"""A byline typed with its own "By" never reads "By By": one rule for every place it shows."""

import re
import xml.etree.ElementTree as ET

import pytest

from stories.bylines import byline_credits, byline_names
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Jane Doe", "Jane Doe"),
        ("By Jane Doe", "Jane Doe"),
        ("by Jane Doe", "Jane Doe"),
        ("BY JANE DOE", "JANE DOE"),
        ("By: Jane Doe", "Jane Doe"),
        ("  By   By Jane   Doe ", "Jane Doe"),
        ("By\u00a0Jane Doe", "Jane Doe"),
        ("Byron Smith", "Byron Smith"),
        ("By", "Newsroom"),
    ],
)
def test_byline_names_drop_a_typed_by(typed, shown):
    assert byline_names(typed) == shown


def test_byline_credits_name_each_person_and_desk():
    credits = byline_credits("By Jane Doe, Ali Khan and Newsroom Staff")
    assert [(c.name, c.is_organization) for c in credits] == [
        ("Jane Doe", False),
        ("Ali Khan", False),
        ("Newsroom Staff", True),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["By Jane Doe", "by Jane Doe", "BY Jane Doe", "By By Jane Doe"])
def test_every_place_shows_the_byline_once(client, typed):
    story = factories.make_story(byline=typed)

    page = client.get(story.get_absolute_url()).content.decode()
    assert re.search(r'<p class="byline">By Jane Doe\b', page)
    assert not re.search(r"\bBy\s+By\b", page, re.I)

    site = ET.fromstring(client.get("/feeds/atom/").content)
    (entry,) = site.iter(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Jane Doe"
    timeline = ET.fromstring(client.get(f"/stories/{story.slug}/feed/atom/").content)
    names = {e.find(f"{ATOM}author/{ATOM}name").text for e in timeline.iter(f"{ATOM}entry")}
    assert names == {"Jane Doe"}
    rss = client.get("/feeds/rss/").content.decode()
    assert "Jane Doe</dc:creator>" in rss and not re.search(r">\s*by\b", rss, re.I)

    api = f"/api/v1/stories/{story.pk}"
    assert client.get(f"{api}/").json()["byline"] == "Jane Doe"
    assert client.get(f"{api}/export/ninjs/").json()["by"] == "Jane Doe"
    assert client.get(f"{api}/export/news-article/").json()["author"] == [
        {"@type": "Person", "name": "Jane Doe"}
    ]
