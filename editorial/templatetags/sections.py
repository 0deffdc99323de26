"""Template tags of the story's section inlines (editorial/templates/editorial/inline/)."""

from django import template

register = template.Library()


@register.simple_tag
def row_folded(inline_admin_formset, inline_admin_form, index: int, last: bool) -> bool:
    """Whether a section's row shows folded to its one-line label: a saved row after the
    section's first rows, without errors. New rows, the empty template Django's inlines.js
    copies (the last form when rows can be added) and a row with an error stay open."""
    if last and inline_admin_formset.has_add_permission:
        return False
    return bool(
        inline_admin_form.original is not None
        and index >= inline_admin_formset.opts.first_rows
        and not inline_admin_form.form.errors
    )


@register.simple_tag
def folded_count(inline_admin_formset) -> int:
    """How many saved rows of a section are past its first rows."""
    return max(
        inline_admin_formset.formset.initial_form_count() - inline_admin_formset.opts.first_rows, 0
    )
