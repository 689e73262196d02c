"""What the literature watch adds below: the cell page's line saying when the cell's
literature was last searched, how many records were found and how many screened in; and, on
the cell's admin form, its flow count with the ways to its queue and its watches."""

from django.template.loader import render_to_string
from django.urls import reverse

from matrix.notes import CELL_EDITOR_PANELS, CELL_NOTES, CellEditorPanel, CellNote

from .services import flow, searched_line

CELL_NOTES.register(CellNote("literature searched", searched_line))


def flow_panel(cell, request):
    """The cell's flow count, linked to its queue and its watches for an editor who may see
    them, or to start watching it for one who may."""
    if not request.user.has_perm("watch.view_candidate"):
        return None
    counts = flow(cell)
    context = {"cell": cell, "flow": counts}
    narrowed = f"?cell__id__exact={cell.pk}"
    if counts["found"] or counts["screened"] or counts["unscreened"]:
        context["queue_url"] = reverse("admin:watch_candidate_changelist") + narrowed
    if counts["watches"] and request.user.has_perm("watch.view_watch"):
        context["watches_url"] = reverse("admin:watch_watch_changelist") + narrowed
    if not counts["watches"] and request.user.has_perm("watch.add_watch"):
        context["start_url"] = reverse("admin:watch_watch_start") + f"?cell={cell.pk}"
    return render_to_string("admin/watch/includes/flow.html", context, request=request)


CELL_EDITOR_PANELS.register(CellEditorPanel("flow count", flow_panel))
