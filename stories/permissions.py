"""Who may change what a published story shows: one rule, for the API and the admin alike.

Any change that alters what a published story shows needs `stories.publish_story`: the story's
own fields, any of its sections (events, indicators, scenarios, contexts, voices, update notes,
its people, organizations and source rows), a source it lists or cites, a person or
organization it names, and its category (the name shows above the headline). "Published" here
is the status, whatever the time: a scheduled story counts too, since an editor approved that
content and readers will see it without anyone looking again. Stories in the trash do not count.

Writers (no `publish_story`) keep writing drafts and everything only drafts show.
"""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import Category, Source, Story, StorySource
from stories.sections import CITING, section_models

PUBLISH_PERMISSION = "stories.publish_story"
# Stories whose content only someone with the publish permission may change.
GUARDED = Q(status=Story.Status.PUBLISHED, deleted_at__isnull=True)
# A section belongs to one story (its `story` foreign key): the models of Story's sections.
SECTION_MODELS = section_models()


def can_publish(user) -> bool:
    """Whether `user` may make a story public, withdraw it, or change what a published one shows."""
    return bool(user and user.has_perm(PUBLISH_PERMISSION))


def is_guarded(story: Story) -> bool:
    """Whether changing `story` (or anything it shows) needs the publish permission."""
    return story.status == Story.Status.PUBLISHED and story.deleted_at is None


def stories_showing(obj) -> QuerySet:
    """The stories whose page shows `obj`: its own story for a story or a section; for a
    source, person, organization or category, every story that lists, cites or names it."""
    stories = Story.all_objects.all()
    if isinstance(obj, Story):
        return stories.filter(pk=obj.pk)
    if isinstance(obj, SECTION_MODELS):
        return stories.filter(pk=obj.story_id)
    if isinstance(obj, Source):
        listing = StorySource.objects.filter(source=obj).values("story_id")
        citing = [
            Q(pk__in=section.model.objects.filter(sources=obj).values("story_id"))
            for section in CITING
        ]
        return stories.filter(reduce(or_, citing, Q(pk__in=listing)))
    if isinstance(obj, Person):
        return stories.filter(pk__in=StoryPerson.objects.filter(person=obj).values("story_id"))
    if isinstance(obj, Organization):
        return stories.filter(
            pk__in=StoryOrganization.objects.filter(organization=obj).values("story_id")
        )
    if isinstance(obj, Category):
        return stories.filter(category=obj)
    raise TypeError(f"No rule says which stories show a {type(obj).__name__}.")


def _refusal(what: str) -> PermissionDenied:
    return PermissionDenied(
        f"{what} shows on a published story: changing it needs the publish permission. "
        "Ask an editor."
    )


def check_can_change_published(user, stories) -> None:
    """Raise PermissionDenied when any of `stories` (Story objects or a queryset) is published
    or scheduled and `user` may not publish. The one check every write path goes through."""
    if can_publish(user):
        return
    if isinstance(stories, QuerySet):
        guarded = stories.filter(GUARDED).exists()
    else:
        guarded = any(story is not None and is_guarded(story) for story in stories)
    if guarded:
        raise PermissionDenied("Only editors can change a published story.")


def check_can_change(user, obj) -> None:
    """Raise PermissionDenied when changing or deleting `obj` would alter a published story
    and `user` may not publish. No query for users who may publish, or for a Story."""
    if can_publish(user) or obj is None or obj.pk is None:
        return
    if isinstance(obj, Story):
        check_can_change_published(user, [obj])
        return
    if isinstance(obj, SECTION_MODELS) and type(obj).story.is_cached(obj):
        check_can_change_published(user, [obj.story])  # loaded with it: no query
        return
    if stories_showing(obj).filter(GUARDED).exists():
        raise _refusal(f"This {obj._meta.verbose_name}")


def may_change(user, obj) -> bool:
    """`check_can_change` as a yes or no, for the admin's has_change/delete_permission."""
    try:
        check_can_change(user, obj)
    except PermissionDenied:
        return False
    return True
