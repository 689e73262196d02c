"""Where citeproc-py 0.11 departs from the CSL 1.0.2 specification, put right so that the
styles' own rules apply (each fix is tested against the behaviour it replaces):

- A localized date (``<date form="text">``) is joined with the locale's own delimiter,
  which the specification says governs it: the NLM (Vancouver) style's "2006 May 1", not
  citeproc-py's "2006May1" (it took the calling element's, which may not have one).
- Variables used in a ``<substitute>`` are suppressed for the rest of the entry, as the
  specification requires: APA's entry for a work with no author, which puts the title in
  the author's place, no longer repeats it (citeproc-py only did this when the substitute
  was a lone ``<text variable>``, not a macro or a choice).
- A period a style puts after a title that ends in "?" or "!" is dropped, as CSL processors
  collapse punctuation (citeproc-js, the reference, does): "does twelve-step ideology
  matter?", not "matter?.". citeproc-py adds the style's period regardless
  (``collapse_punctuation``, on the rendered entry, across the ``<i>`` or ``<b>`` between).
"""

import re

from citeproc import model
from citeproc.source import VariableError

# "?." or "!." with any italic or bold tags between the mark and the period.
DOUBLED_STOP_RE = re.compile(r"([?!])((?:</?[ib]>)*)\.")


def collapse_punctuation(text):
    return DOUBLED_STOP_RE.sub(r"\1\2", text)


def _render_single_date(self, date, show_parts=None, context=None):
    if context is not None and context is not self and self.is_locale_date():
        parts = self.parts(date, show_parts, context)
        return self.join(parts) if parts else None  # the locale's delimiter
    return _original_render_single_date(self, date, show_parts, context)


def _substitute_render(self, item, context=None, **kwargs):
    """As citeproc-py's, and what the winning substitute rendered is suppressed after."""
    layout = (context if context is not None else self).get_layout()
    outer = getattr(layout, "substituted", None)
    for child in self.getchildren():
        used = []
        layout.substituted = used
        try:
            if isinstance(child, model.Names) and child.name is None:
                names = self.xpath_search("./parent::cs:names[1]")[0]
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except VariableError:
            continue
        finally:
            layout.substituted = outer
        if text:
            self.add_to_repressed_list(child, context)
            for tag, variable in used:
                layout.repressed.setdefault(tag, []).append(variable)
            if outer is not None:
                outer.extend(used)
            return text
    return None


def _text_variable(self, item, context):
    text = _original_text_variable(self, item, context)
    used = getattr(context.get_layout(), "substituted", None)
    if text is not None and used is not None:
        used.append((self.tag, self.get("variable")))
    return text


_original_render_single_date = model.Date.render_single_date
_original_text_variable = model.Text._variable


def apply():
    """Once, before any style renders (``citations.exporting.styles`` calls it on import)."""
    if model.Date.render_single_date is not _render_single_date:
        model.Date.render_single_date = _render_single_date
        model.Substitute.render = _substitute_render
        model.Text._variable = _text_variable
