from django.urls import register_converter


class CellCodeConverter:
    """A cell code: column letter A-E then row number 1-5 ("E4"; "e4" is redirected)."""

    regex = "[A-Ea-e][1-5]"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CellCodeConverter, "cellcode")
