from django import template

from citations.exporting.formats import formats

register = template.Library()


@register.simple_tag
def export_formats():
    """The export formats in order, for a list of export links:
    ``{% export_formats as formats %}{% for format in formats %}…{{ format.name }}…``."""
    return list(formats)
