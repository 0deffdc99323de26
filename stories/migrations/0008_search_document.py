"""Reader search through `Story.search_document` (PostgreSQL only).

Fills the weighted document for every story in one UPDATE (stories.derived keeps it after
that), kept in the row rather than TOASTed (search reads it for each story it checks),
indexes it with one GIN index, and drops the expression indexes of 0006, which search
no longer uses: it matches the stored document instead of stories, event titles and names
separately, and `involved_search` matches names with icontains, which a tsvector index cannot
serve. The GIN index stays out of the model state (GinIndex would break SQLite), so
makemigrations stays quiet. SQL as of this migration; stories.derived holds the live copy.
"""

from django.db import migrations

INDEX = "stories_story_search_document_gin"

DOCUMENT = """
setweight(to_tsvector('english'::regconfig, COALESCE(stories_story.headline, '')), 'A')
|| setweight(to_tsvector('simple'::regconfig,
    COALESCE((SELECT string_agg(p.name, ' ' ORDER BY sp.position, sp.id)
              FROM people_storyperson sp JOIN people_person p ON p.id = sp.person_id
              WHERE sp.story_id = stories_story.id), '')
    || ' ' ||
    COALESCE((SELECT string_agg(o.name, ' ' ORDER BY so.position, so.id)
              FROM people_storyorganization so
              JOIN people_organization o ON o.id = so.organization_id
              WHERE so.story_id = stories_story.id), '')), 'B')
|| setweight(to_tsvector('english'::regconfig, COALESCE(stories_story.dek, '')), 'B')
|| setweight(to_tsvector('english'::regconfig,
    COALESCE(stories_story.overview, '')
    || ' ' ||
    COALESCE((SELECT string_agg(e.title, ' ' ORDER BY e.date, e.sequence, e.id)
              FROM timelines_timelineevent e
              WHERE e.story_id = stories_story.id), '')), 'C')
"""


def _tsvector(config, column):
    return f"to_tsvector('{config}'::regconfig, COALESCE({column}, ''))"


# The indexes of 0006_search_indexes, to put back when this migration is reversed.
OLD_INDEXES = {
    "stories_story_search_gin": (
        "stories_story",
        f"(setweight({_tsvector('english', 'headline')}, 'A')"
        f" || setweight({_tsvector('english', 'dek')}, 'B'))"
        f" || setweight({_tsvector('english', 'overview')}, 'C')",
    ),
    "timelines_event_title_search_gin": (
        "timelines_timelineevent",
        _tsvector("english", "title"),
    ),
    "people_person_name_search_gin": ("people_person", _tsvector("simple", "name")),
    "people_organization_name_search_gin": (
        "people_organization",
        _tsvector("simple", "name"),
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Fill first, index after: one index build is far cheaper than 100,000 index updates.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    # Keep the document in the row (MAIN: the long text columns leave the row first). Search
    # reads it for every story it checks; out of line, each read was a TOAST fetch costing
    # several times the match itself.
    schema_editor.execute("ALTER TABLE stories_story ALTER COLUMN search_document SET STORAGE MAIN")
    schema_editor.execute(f"UPDATE stories_story SET search_document = {DOCUMENT}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON stories_story USING gin (search_document)"
    )
    # The planner's word frequencies decide between walking the newest stories and the index.
    schema_editor.execute("ANALYZE stories_story")
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in OLD_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
        )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        "ALTER TABLE stories_story ALTER COLUMN search_document SET STORAGE EXTENDED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0007_story_derived_columns"),
        ("timelines", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
