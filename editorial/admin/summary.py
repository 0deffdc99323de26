"""What a long change form says at its top: where its sections are, and what failed where.

A story's form runs to a dozen sections and hundreds of fields. The contents line jumps to a
section; after a refused save, the error summary names each failing field with its fieldset,
and each failing row with its section and label, each linked to the place to fix it (a row
with an error is never folded: editorial/templatetags/sections.py).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    href: str
    text: str


def section_contents(inline_admin_formsets) -> list[Link]:
    """A link to each section of the form, with its number of rows."""
    return [
        Link(
            f"#{inline.formset.prefix}-group",
            f"{_section(inline)} ({inline.formset.initial_form_count()})",
        )
        for inline in inline_admin_formsets
    ]


def error_summary(adminform, inline_admin_formsets) -> list[Link]:
    """Every error of a bound change form, each with a link to where it is."""
    form = adminform.form
    if not form.is_bound:
        return []
    links = []
    fieldset_of = {
        name: title or "Story"
        for title, options in adminform.fieldsets
        for name in _flatten(options["fields"])
    }
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue  # the form's own refusal (an edit conflict) is printed above the summary
        field = form[name]
        where = fieldset_of.get(name, "Story")
        links.append(Link(f"#{field.id_for_label}", f"{where} › {field.label}: {_text(errors)}"))
    for inline in inline_admin_formsets:
        formset = inline.formset
        section = _section(inline)
        if formset.non_form_errors():
            links.append(
                Link(f"#{formset.prefix}-group", f"{section}: {_text(formset.non_form_errors())}")
            )
        for index, row in enumerate(formset.forms):
            if not row.errors:
                continue
            label = str(row.instance) if row.instance.pk else f"new row {index + 1}"
            for name, errors in row.errors.items():
                what = "" if name == "__all__" else f"{_label(row, name)}: "
                links.append(
                    Link(
                        f"#{formset.prefix}-{index}",
                        f"{section} › row {index + 1} ({label}) › {what}{_text(errors)}",
                    )
                )
    return links


def _flatten(fields):
    for entry in fields:
        if isinstance(entry, (list, tuple)):
            yield from entry
        else:
            yield entry


def _label(form, name: str) -> str:
    return str(form[name].label) if name in form.fields else name


def _text(errors) -> str:
    return " ".join(str(message) for message in errors)


def _section(inline) -> str:
    """A section's name as its heading starts ("Sources (numbered list; …)" is "Sources")."""
    return _capfirst(str(inline.opts.verbose_name_plural).split(" (", 1)[0])


def _capfirst(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


class FormSummaryMixin:
    """Puts the contents line and the error summary into a change form's context."""

    def render_change_form(self, request, context, *args, **kwargs):
        inlines = context.get("inline_admin_formsets", [])
        context["section_contents"] = section_contents(inlines)
        adminform = context.get("adminform")
        if adminform is not None and "status" in adminform.form.fields:
            context["section_contents"].insert(0, Link("#id_status", "Publishing"))
        if adminform is not None:
            context["error_summary"] = error_summary(adminform, inlines)
        return super().render_change_form(request, context, *args, **kwargs)
