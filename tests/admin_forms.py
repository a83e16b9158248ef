"""Post an admin change form as the admin renders it: its current values, and no inline rows changed."""

from __future__ import annotations


def admin_change_data(client, url: str, **changes) -> dict:
    context = client.get(url).context
    form = context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    for inline in context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return {**data, **changes}
