"""Presence and autosave on the Story change page (services: editorial.presence).

`PresenceMixin` goes first in StoryAdmin's bases. Opening the change page records the
editor's session and puts `presence` into the page's context, so the notice of who else has
the story open is in the first response (editorial/presence.html; static/js/presence.js keeps
it live). Its URLs, each staff-only, CSRF-protected and refused (403) to whoever may not change
the story, so read-only viewers are never "editing":

- `<id>/presence/`: POST, the page's ping; JSON of the others present, who took over from me,
  and whether the story's version moved past the `seen_version` the page carries.
- `<id>/presence/release/`: POST (a beacon on pagehide), the page closed.
- `<id>/presence/take-over/`: GET a confirmation, POST to take over, then back to the story.
  A page of its own because the notice sits inside the change form, and a form may not be
  nested in another: a link leaves the story's form alone, with or without JavaScript.
- `<id>/presence/autosave/`: POST the change form's fields, kept on my session only.
- `<id>/presence/autosave/discard/`: GET a confirmation, POST to forget the autosave.

Restoring an autosave is `?restore=autosave` on the change page: the admin's own view renders
the form and its inlines bound to the stored fields (`get_form`, `get_formset_kwargs`), as it
renders a refused POST, and saves nothing, since only a POST saves. The bound form is
validated on the page, which runs the edit-conflict check: it locks the story's row, so the
render runs in a transaction. The stored `seen_version` is the version the autosave was made
from, so if someone saved since, the page says so and the eventual save is refused.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from editorial import presence

PING_SECONDS = 30
# Not kept: the token is the request's, and nothing else in a browser's FormData is a control.
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _hhmm(moment: dt.datetime) -> str:
    """A time as the admin shows it, in the newsroom's zone (editorial.middleware)."""
    return f"{timezone.localtime(moment):%H:%M}"


def _ago(seconds: int) -> str:
    if seconds < 5:
        return "just now"
    if seconds < 60:
        return f"{seconds} seconds ago"
    minutes = seconds // 60
    return f"{minutes} minute{'' if minutes == 1 else 's'} ago"


def _other(session, *, me, now) -> dict:
    seconds = max(0, int((now - session.last_seen_at).total_seconds()))
    text = (
        f"{_name(session.user)} has had this story open since {_hhmm(session.started_at)} "
        f"(active {_ago(seconds)})."
    )
    mine = session.taken_over_by_id == me.pk
    if mine:
        text += f" You took over editing at {_hhmm(session.taken_over_at)}; they are told so."
    else:
        text += " Saving over their changes is refused, so agree who edits."
    return {
        # What the page compares to re-announce only a change, not every ping's "active".
        "key": f"{session.user_id}:{session.started_at.isoformat()}:{int(mine)}",
        "name": _name(session.user),
        "text": text,
        "taken_over_by_me": mine,
    }


def _taken_over(mine) -> str | None:
    if mine is None or mine.taken_over_by is None:
        return None
    return (
        f"{_name(mine.taken_over_by)} took over editing at {_hhmm(mine.taken_over_at)}; "
        "your unsaved changes are kept in this page but saving may be refused."
    )


def _story_changed(story, seen_version) -> str | None:
    if seen_version is None or story.version == seen_version:
        return None
    return (
        "Someone saved this story since you opened it, so saving this page will be refused. "
        "Copy your changes, then reload the story to make them in its current version."
    )


def _seen_version(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PresenceMixin:
    """Who else has the story open, taking over from them, and the editor's autosave."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_presence"

        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<path:object_id>/presence/", wrap(self.presence_ping_view), name=name),
            path(
                "<path:object_id>/presence/release/",
                wrap(self.presence_release_view),
                name=f"{name}_release",
            ),
            path(
                "<path:object_id>/presence/take-over/",
                wrap(self.presence_take_over_view),
                name=f"{name}_take_over",
            ),
            path(
                "<path:object_id>/presence/autosave/",
                wrap(self.presence_autosave_view),
                name=f"{name}_autosave",
            ),
            path(
                "<path:object_id>/presence/autosave/discard/",
                wrap(self.presence_discard_view),
                name=f"{name}_discard",
            ),
            *super().get_urls(),  # after: the admin's "<id>/" would take these paths
        ]

    def _presence_url(self, suffix, story) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_presence{suffix}"
        return reverse(name, args=[story.pk])

    def _change_url(self, story_id) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[story_id]
        )

    def _story_to_edit(self, request, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404
        if not self.has_change_permission(request, story):
            raise PermissionDenied  # a read-only viewer is not editing
        return story

    # --- The change page -------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        session = None
        if request.method == "GET" and request.GET.get("restore") == "autosave":
            story_id = _seen_version(unquote(object_id))  # an id is a number too
            if story_id is not None:
                session = presence.autosave_read(story_id=story_id, user=request.user)
        if session is None:
            return super().change_view(request, object_id, form_url, extra_context)
        data = QueryDict(mutable=True)
        for name, values in session.autosave.items():
            data.setlist(name, [str(v) for v in values])
        data["seen_version"] = str(session.autosave_version)
        request._presence_restore = (session, data)
        with transaction.atomic(using=router.db_for_write(self.model)):
            # Validating the bound form locks the story's row (the edit-conflict check).
            form_url = self._change_url(session.story_id)  # a save posts without ?restore
            return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        restore = getattr(request, "_presence_restore", None)
        if restore is None or request.method != "GET":
            return form
        data = restore[1]

        def __init__(self, *args, **kw):
            if not args and "data" not in kw:
                kw["data"] = data  # the autosave, rendered as a refused POST would be
            form.__init__(self, *args, **kw)

        return type(form.__name__, (form,), {"__init__": __init__})

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        restore = getattr(request, "_presence_restore", None)
        if restore is not None and request.method == "GET":
            kwargs["data"] = restore[1].copy()
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["presence"] = self._presence_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _presence_context(self, request, story) -> dict:
        now = timezone.now()
        can_change = self.has_change_permission(request, story)
        if can_change:
            presence.session_ping(story=story, user=request.user, now=now)
        mine, others = presence.sessions_read(story=story, user=request.user, now=now)
        listed = [_other(s, me=request.user, now=now) for s in others]
        restore = getattr(request, "_presence_restore", None)
        autosave = None
        if can_change and mine is not None and mine.autosaved_at is not None:
            autosave = {
                "at": _hhmm(mine.autosaved_at),
                "restoring": restore is not None,
                "outdated": mine.autosave_version != story.version,
                "restore_url": f"{self._change_url(story.pk)}?restore=autosave",
                "discard_url": self._presence_url("_discard", story),
            }
        return {
            "can_change": can_change,
            "others": listed,
            "may_take_over": can_change and any(not o["taken_over_by_me"] for o in listed),
            "taken_over": _taken_over(mine),
            "autosave": autosave,
            "ping_seconds": PING_SECONDS,
            "autosave_max_bytes": presence.AUTOSAVE_MAX_BYTES,
            "ping_url": self._presence_url("", story),
            "release_url": self._presence_url("_release", story),
            "autosave_url": self._presence_url("_autosave", story),
            "take_over_url": self._presence_url("_take_over", story),
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            presence.autosave_discard(story=form.instance, user=request.user)  # it is saved

    # --- The page's requests ---------------------------------------------------------------

    @method_decorator(require_POST)
    def presence_ping_view(self, request, object_id):
        story = self._story_to_edit(request, object_id)
        now = timezone.now()
        presence.session_ping(story=story, user=request.user, now=now)
        mine, others = presence.sessions_read(story=story, user=request.user, now=now)
        changed = _story_changed(story, _seen_version(request.POST.get("seen_version")))
        return JsonResponse(
            {
                "others": [_other(s, me=request.user, now=now) for s in others],
                "taken_over": _taken_over(mine),
                "story_changed": changed is not None,
                "story_changed_text": changed,
                "version": story.version,
            }
        )

    @method_decorator(require_POST)
    def presence_release_view(self, request, object_id):
        story = self._story_to_edit(request, object_id)
        presence.session_release(story=story, user=request.user)
        return JsonResponse({"released": True})

    def presence_take_over_view(self, request, object_id):
        story = self._story_to_edit(request, object_id)
        if request.method == "POST":
            presence.session_take_over(story=story, user=request.user)
            self.message_user(
                request,
                "You took over editing. The others with this story open are told on their "
                "next ping; a save over a newer version is still refused.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._change_url(story.pk))
        _, others = presence.sessions_read(story=story, user=request.user)
        names = ", ".join(_name(s.user) for s in others) or "Nobody else"
        return self._confirm(
            request,
            story,
            title="Take over editing",
            message=(
                f"{names} {'has' if len(others) <= 1 else 'have'} this story open. Taking "
                "over tells them you are editing it now; it locks nothing, and saving over a "
                "newer version is still refused, so agree who edits."
            ),
            button="Take over editing",
        )

    @method_decorator(require_POST)
    def presence_autosave_view(self, request, object_id):
        story = self._story_to_edit(request, object_id)
        limit = presence.AUTOSAVE_MAX_BYTES
        too_large = JsonResponse(
            {
                "error": f"Autosave keeps forms up to {limit // 1_048_576} MB; this one is "
                "larger, so it was not autosaved. Save the story to keep your changes."
            },
            status=413,
        )
        if (_seen_version(request.META.get("CONTENT_LENGTH")) or 0) > limit:
            return too_large  # said before the body is read
        if len(request.body) > limit:
            return too_large
        seen_version = _seen_version(request.POST.get("seen_version"))
        if seen_version is None:
            return JsonResponse({"error": "An autosave needs the form's seen_version."}, status=400)
        data = {k: v for k, v in request.POST.lists() if k not in NOT_KEPT}
        at = presence.autosave_store(
            story=story, user=request.user, data=data, seen_version=seen_version
        )
        return JsonResponse({"autosaved_at": _hhmm(at)})

    def presence_discard_view(self, request, object_id):
        story = self._story_to_edit(request, object_id)
        if request.method == "POST":
            presence.autosave_discard(story=story, user=request.user)
            self.message_user(request, "Your unsaved changes were discarded.", messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(story.pk))
        return self._confirm(
            request,
            story,
            title="Discard your unsaved changes",
            message=(
                "Your autosaved copy of this story's form is deleted. The story itself stays "
                "as it was last saved."
            ),
            button="Discard them",
        )

    def _confirm(self, request, story, *, title, message, button):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(story),
            "opts": self.opts,
            "original": story,
            "message": message,
            "button": button,
            "change_url": self._change_url(story.pk),
        }
        return TemplateResponse(request, "editorial/presence_confirm.html", context)
