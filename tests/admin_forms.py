"""Admin change forms as a browser posts them back, read from the rendered page."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def change_form_data(client, obj):
    """`obj`'s admin change form as the browser would post it back, from the rendered page
    (its times in the newsroom's time zone, as editorial.middleware renders them)."""
    with timezone.override(ZoneInfo(settings.DISPLAY_TIME_ZONE)):
        return _change_form_data(client, obj)


def _change_form_data(client, obj):
    response = client.get(change_url(obj))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or isinstance(value, FieldFile):
            continue
        if isinstance(value, dt.datetime):
            local = _as_shown(value)
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.date().isoformat(),
                local.time().isoformat(),
            )
            data[name] = local.isoformat()
        else:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        for i, f in enumerate(formset.forms):
            for name in f.fields:
                value = f[name].value()
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    local = _as_shown(value)
                    data[f"{formset.prefix}-{i}-{name}_0"] = local.date().isoformat()
                    data[f"{formset.prefix}-{i}-{name}_1"] = local.time().isoformat()
                else:
                    data[f"{formset.prefix}-{i}-{name}"] = value
    return {k: v for k, v in data.items() if v is not False}


def _as_shown(value: dt.datetime) -> dt.datetime:
    """A time as the admin shows it: in the newsroom's time zone (editorial.middleware)."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    return timezone.localtime(value, zone) if timezone.is_aware(value) else value
