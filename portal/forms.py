from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every form renders its fields the same way: label, help, errors next to the field."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
