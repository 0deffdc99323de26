"""The introduction at the top of the API documentation pages (/api/docs/ and /api/redoc/)."""

API_DESCRIPTION = """
Newsroom's API gives the mobile apps everything the reader site shows, lets them work
offline, and lets staff tools write stories without the admin.

## Start here

* **Daily Brief**: `GET /api/v1/brief/` returns the home page as story cards (category,
  headline, summary line, latest update, first key indicators).
* **A whole story**: follow a card's `api_url` (`GET /api/v1/stories/{id}/`): every section of
  the story page, nested and in the page's order. A story web link
  (`/stories/<slug>/`) maps to `GET /api/v1/stories/?slug=<slug>`.
* **Offline**: `GET /api/v1/sync/` once, store everything, keep the `token`; later
  `GET /api/v1/sync/?since=<token>` for just what changed (see *Sync* below).

Reading needs no account. Everything readers get is published content only.

## Versions

The version is in the path: `/api/v1/`. Fields may be added to v1 responses, so ignore fields
you do not know; nothing is removed or renamed within v1. Breaking changes will come as
`/api/v2/`, beside v1.

## Stories, in the page's order

A story detail holds `overview` and `why_it_matters` as Markdown (as written) and as
`overview_html` / `why_it_matters_html` (rendered, sanitised, safe to display), then
`indicators`, `people` and `organizations` (each with its `role` and `status` in this story),
`events` (newest first, with `date`, `precision` — `day`, `month` or `year` — the editor's
`date_label` and the `date_display` readers see), `scenarios`, `historical_contexts`, and the
numbered `sources`. An indicator, event or scenario lists the numbers of the sources it cites
in `cites`, and the sources themselves in `citations`. Images are objects with an absolute
`url`, `width`, `height` and `alt`, or `null`.

## Lists and pagination

Lists are cursor-paginated: follow `next` and `previous` (absolute URLs, or `null`). Pages hold
20 items unless you ask for `page_size` (1 to 100). Cursors stay valid while content is added;
do not build them yourself. Filters, `search` and `ordering` are listed on each endpoint; an
unknown ordering field, a malformed date or id, or a page size out of range answers **400**
with the parameter named in `errors`.

## Sparse fieldsets

Add `fields=headline,slug,updated_at` to any list or detail to get only those top-level fields
(`id` always comes too).

## Caching and conditional requests

Reads carry an `ETag` and a `Last-Modified` date. Send them back as `If-None-Match` or
`If-Modified-Since` and an unchanged resource answers **304** with no body. Anonymous reads
are `Cache-Control: public, max-age=0, s-maxage=10, stale-while-revalidate=10`: revalidate
on every use (a 304 costs little), while a shared cache may keep them a few seconds. Signed-in
reads are `private, no-cache`.

## Sync

1. First run: `GET /api/v1/sync/`. The answer has `full: true`, a `token` and the first
   page of whole `stories`. While `has_more` is true, call again at once with
   `?since=<token>`: the pages bring every published story, then every category, person,
   organization and source readers may see, kind after kind (at most `limit` of each kind
   a page). Together they hold everything published: drop any local object they did not
   include. People and organizations come without story lists: each story names its
   people and organizations with their roles.
2. Later: `GET /api/v1/sync/?since=<token>`. You get every object created or changed since,
   whole, and `deleted`: tombstones (`{"type": "story", "id": 12}`) for what was deleted,
   unpublished or withdrawn. Remove those. Store the new `token`.
3. A token the server cannot use (damaged, or from another version) starts again at step 1:
   the answer is a first sync's first page (`full: true`). A `since` that is not a token at
   all answers 400.

A story scheduled for later appears in the first sync after its publication time.

## Writing (staff tools)

Get a token with `POST /api/v1/auth/token/` (staff username and password) and send
`Authorization: Token <key>`. The browsable API accepts a signed-in admin session too.
Writes follow Django's model permissions: no credentials answer **401**, missing permission
**403** (for instance deleting without `delete` rights, or publishing without
`stories.publish_story`: writers save drafts, editors publish).

`POST /api/v1/stories/` creates a whole story with all its sections in one request;
`PUT /api/v1/stories/{id}/` replaces it (sections left out are emptied); `PATCH` replaces only
the fields and sections it names. The write is atomic: if any row is invalid, nothing is
written and the **400** answer names every problem by field and row index, for example
`{"events": {"3": {"date": ["Enter a valid date."]}}}`. People, organizations, the category
and sources can be created on the way (`new_person`, `new_organization`, `new_category`,
`new_source`) or referred to (`person` and `organization` by slug, `category` by slug,
`source` by id). Items cite sources by their number in the story's `sources` list.

Every change to an existing object (`PUT`, `PATCH`, `DELETE` on a story, event, source,
person or organization) must send the `ETag` of your last read (a plain `GET` of the object)
or of your last write in `If-Match`, so that nobody overwrites an edit they have not seen.
Without it the answer is **428** Precondition Required. If the object changed since, you get
**412** and nothing changes: read it again and reapply your edit. Of two clients writing with
the same ETag at the same moment, one succeeds and the other gets 412. `If-Match: *`
overwrites whatever is there. Changing an event changes its story's ETag too. Anything a
published or scheduled story shows (its sections, a source it cites, a person it names) needs
`stories.publish_story` to change: **403** otherwise.

## Errors

Every error is `application/problem+json` (RFC 9457, formerly RFC 7807): `type`, `title`,
`status`, `detail`, `instance`, a stable `code`, and for invalid input an `errors` object
keyed by field or query parameter.

## Limits

Anonymous clients may make a limited number of requests per IP address (120 a minute unless
the site configures otherwise); past it the answer is **429** with `Retry-After` in seconds.
"""
