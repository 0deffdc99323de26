"""A story's section rows that render without a query each: their autocomplete pickers name
their choices from the row, and a row's story is the page's.

Django's autocomplete widget renders a row's chosen records by querying them (one query per
picker per row: a story with 13 events paid 13 for their cited sources). A section row already
holds those records: its foreign key through the inline's select_related, its many-to-many
through its prefetch. `KnownChoicesInline` hands them to the widget, which then only queries the
choices it was not given (a form posted back with new picks)."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple


class _KnownLabels:
    known: dict[str, str] | None = None  # chosen value -> label, set per form

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or not set(chosen) <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in self.known:
            if pk in chosen:
                options.append(
                    self.create_option(name, pk, self.known[pk], set(chosen), len(options))
                )
        return [(None, options, 0)]


class KnownAutocompleteSelect(_KnownLabels, AutocompleteSelect):
    pass


class KnownAutocompleteSelectMultiple(_KnownLabels, AutocompleteSelectMultiple):
    pass


class KnownChoicesInline:
    """An inline whose autocomplete pickers name the row's chosen records from the row."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        fields = {f.name: f for f in self.model._meta.get_fields()}
        picked = [fields[name] for name in self.get_autocomplete_fields(request)]
        return queryset.select_related(*[f.name for f in picked if f.many_to_one]).prefetch_related(
            *[f.name for f in picked if f.many_to_many]
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def _construct_form(formset_self, i, **form_kwargs):
            form = formset._construct_form(formset_self, i, **form_kwargs)
            # The row's story is the page's story: a row's label that names it ("… in
            # <headline>") must not read it again, once per row.
            formset_self.fk.set_cached_value(form.instance, formset_self.instance)
            name_known_choices(form)
            return form

        return type(formset.__name__, (formset,), {"_construct_form": _construct_form})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                KnownAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                KnownAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def name_known_choices(form) -> None:
    """Give each autocomplete picker of an unbound row form the records the row holds."""
    if form.is_bound or form.instance.pk is None:
        return
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)  # inside Django's related wrapper
        if not isinstance(widget, _KnownLabels):
            continue
        model_field = form.instance._meta.get_field(name)
        if model_field.many_to_many:
            cache = getattr(form.instance, "_prefetched_objects_cache", {})
            if model_field.name not in cache:
                continue
            records = list(cache[model_field.name])
        elif model_field.is_cached(form.instance):
            record = model_field.get_cached_value(form.instance)
            records = [record] if record is not None else []
        else:
            continue
        widget.known = {str(r.pk): field.label_from_instance(r) for r in records}
