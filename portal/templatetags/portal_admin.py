from django import template

from portal.admin_index import index_notices

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_index_notices(context):
    request = context.get("request")
    return index_notices(request) if request is not None else []
