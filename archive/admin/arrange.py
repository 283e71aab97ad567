"""Arranging an exhibition: its sections and their items in order, on one page
reached from the exhibition's change page (and back to it).

Two ways in, one rule (`services.exhibition_arrange`, which asks
`archive.workflow`):

- the page's "Move up" and "Move down" buttons are plain POST forms, so moving
  works without JavaScript: each post moves one section or item one step (an item
  at either end of its section moves into the next section) and comes back to the
  page with the focus on the button pressed;
- `archive/static/archive/arrange.js` moves rows in place (buttons, or dragging a
  row by its handle), announces each move in a live region, and posts the whole
  order as JSON to `order_view`.

Both carry the stamp of the order the page showed: a move made on a page that is
out of date changes nothing (409, or a message on the page).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from archive import services
from archive.admin import picker
from archive.models import (
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Image,
    TestimonySegment,
)

#: The most rows one JSON order may name (a bound on work for a hand-made body).
MAX_ROWS = 2000


def _exhibition(model_admin, request: HttpRequest, object_id: str) -> Exhibition:
    """The exhibition, if this curator may change it as it is now (else 403)."""
    exhibition = model_admin.get_object(request, unquote(object_id))
    if exhibition is None:
        raise Http404
    if not may_arrange(model_admin, request, exhibition):
        raise PermissionDenied
    return exhibition


def may_arrange(model_admin, request: HttpRequest, exhibition: Exhibition) -> bool:
    """Who may change the exhibition (not only its translations) and its
    sections and items: what its change form asks of an edit."""
    user = request.user
    return (
        model_admin.may_edit(request, exhibition)
        and user.has_perm("archive.change_exhibitionsection")
        and user.has_perm("archive.change_exhibitionitem")
    )


def _records_prefetch() -> GenericPrefetch:
    """Each item's record, one query per kind (a segment with its testimony, an
    image with its thumbnail)."""
    querysets = []
    for kind in picker.picker_kinds():
        rows = kind.model._default_manager.all()
        if kind.model is TestimonySegment:
            rows = rows.select_related("testimony")
        elif kind.model is Image:
            rows = rows.with_renditions("thumbnail")
        querysets.append(rows)
    return GenericPrefetch("record", querysets)


def _buttons(
    kind: str, pk: int, *, first: bool, last: bool, moved: str, labels: tuple
) -> list[dict]:
    """A row's two buttons: their labels (an item at an end of its section moves
    to the next section), whether they can move it, and which has the focus
    after a move without JavaScript (the other one when it came to an end)."""
    up_label, down_label = labels
    buttons = [
        {"direction": "up", "label": up_label, "disabled": first},
        {"direction": "down", "label": down_label, "disabled": last},
    ]
    for button in buttons:
        button["value"] = f"{kind}:{pk}:{button['direction']}"
    pressed = [b for b in buttons if moved == f"{kind}-{pk}-{b['direction']}"]
    if pressed:
        other = buttons[1] if pressed[0] is buttons[0] else buttons[0]
        target = pressed[0] if not pressed[0]["disabled"] else other
        target["focus"] = not target["disabled"]
    return buttons


def _rows(exhibition: Exhibition, moved: str = "") -> list[dict]:
    """The sections in order, each with its items, what the page shows of them,
    and their buttons."""
    sections = list(
        ExhibitionSection.objects.filter(exhibition=exhibition).order_by(
            "position", "id"
        )
    )
    by_section: dict[int, list[dict]] = {section.pk: [] for section in sections}
    items = (
        ExhibitionItem.objects.filter(section__exhibition=exhibition)
        .select_related("content_type")
        .prefetch_related(_records_prefetch())
        .order_by("position", "id")
    )
    for item in items:
        record = item.record
        if record is not None:
            shown = picker.option(record)
        else:
            shown = {
                "title": _("Missing record (%(key)s)") % {"key": item},
                "kind": item.content_type.name,
                "status": "",
                "status_label": "",
                "thumbnail": None,
            }
        by_section[item.section_id].append({"item": item, "record": shown})
    up, down = _("Move up"), _("Move down")
    previous, following = (
        _("Move to the section before"),
        _("Move to the section after"),
    )
    rows = []
    last_section = len(sections) - 1
    for index, section in enumerate(sections):
        entries = by_section[section.pk]
        for place, entry in enumerate(entries):
            top, bottom = place == 0, place == len(entries) - 1
            entry["buttons"] = _buttons(
                "item",
                entry["item"].pk,
                first=top and index == 0,
                last=bottom and index == last_section,
                moved=moved,
                labels=(previous if top else up, following if bottom else down),
            )
        rows.append(
            {
                "section": section,
                "items": entries,
                "buttons": _buttons(
                    "section",
                    section.pk,
                    first=index == 0,
                    last=index == last_section,
                    moved=moved,
                    labels=(up, down),
                ),
            }
        )
    return rows


def arrange_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """GET: the page. POST `move` (`section:12:up`, `item:34:down`) and `stamp`:
    one step, then back to the page (303), the focus on the button pressed."""
    exhibition = _exhibition(model_admin, request, object_id)
    status = 200
    if request.method == "POST":
        kind, _sep, rest = request.POST.get("move", "").partition(":")
        pk, _sep, direction = rest.partition(":")
        current = services.Arrangement.of(exhibition)
        try:
            if not pk.isdigit() or direction not in ("up", "down"):
                raise services.ArrangementError(
                    _("Nothing was moved: choose a section or an item to move.")
                )
            arrangement = current.moved(kind=kind, pk=int(pk), up=direction == "up")
            services.exhibition_arrange(
                exhibition=exhibition,
                arrangement=arrangement,
                stamp=request.POST.get("stamp", ""),
                acting_user=request.user,
            )
        except services.StaleArrangement as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            status = 409
        except services.ArrangementError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            status = 400
        except services.WorkflowError as error:
            raise PermissionDenied(str(error)) from error
        else:
            model_admin.message_user(
                request, moved_message(arrangement, kind, int(pk)), messages.SUCCESS
            )
            url = reverse("admin:archive_exhibition_arrange", args=[exhibition.pk])
            # No #fragment: a page opened at a fragment ignores `autofocus`,
            # which brings the focus back to the button pressed.
            response = HttpResponseRedirect(f"{url}?moved={kind}-{pk}-{direction}")
            response.status_code = 303  # See Other: a GET of the page after a POST
            return response
    return render_page(model_admin, request, exhibition, status=status)


#: Where a row is now, in words (the page's script fills them in too).
SECTION_MOVED = _lazy("“%(name)s” is now section %(n)s of %(total)s.")
ITEM_MOVED = _lazy("“%(name)s” is now item %(n)s of %(total)s in “%(section)s”.")


def moved_message(arrangement: services.Arrangement, kind: str, pk: int) -> str:
    """Where the row is now, in words: "“Raids” is now 2 of 3 in “Convoys”"."""
    if kind == "section":
        ids = arrangement.section_ids()
        return str(SECTION_MOVED) % {
            "name": ExhibitionSection.objects.get(pk=pk),
            "n": ids.index(pk) + 1,
            "total": len(ids),
        }
    section_id, items = next((s, i) for s, i in arrangement.sections if pk in i)
    record = ExhibitionItem.objects.get(pk=pk).record
    return str(ITEM_MOVED) % {
        "name": record if record is not None else _("the item"),
        "n": items.index(pk) + 1,
        "total": len(items),
        "section": ExhibitionSection.objects.get(pk=section_id),
    }


def render_page(model_admin, request, exhibition, *, status: int = 200):
    arrangement = services.Arrangement.of(exhibition)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Arrange “%(name)s”") % {"name": exhibition},
        "opts": model_admin.opts,
        "original": exhibition,
        "exhibition": exhibition,
        "sections": _rows(exhibition, request.GET.get("moved", "")),
        "stamp": arrangement.stamp(),
        "order_url": reverse(
            "admin:archive_exhibition_arrange_order", args=[exhibition.pk]
        ),
        "change_url": reverse("admin:archive_exhibition_change", args=[exhibition.pk]),
        "has_view_permission": True,
        "section_moved": SECTION_MOVED,
        "item_moved": ITEM_MOVED,
    }
    return TemplateResponse(
        request, "admin/archive/exhibition/arrange.html", context, status=status
    )


def _problem(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"detail": message, **extra}, status=status)


def _parse(body: bytes) -> tuple[services.Arrangement, str]:
    """`{"stamp": "...", "sections": [{"id": 1, "items": [3, 4]}, ...]}`, or
    ArrangementError saying what is wrong with it."""
    wrong = services.ArrangementError(
        _(
            "Nothing was moved: send the stamp and every section with its items, "
            "as whole numbers."
        )
    )
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise wrong from None
    if not isinstance(data, dict) or not isinstance(data.get("stamp"), str):
        raise wrong
    sections = data.get("sections")
    if not isinstance(sections, list) or len(sections) > MAX_ROWS:
        raise wrong
    order = []
    count = 0
    for entry in sections:
        if not isinstance(entry, dict) or not isinstance(entry.get("items"), list):
            raise wrong
        ids = [entry.get("id"), *entry["items"]]
        # bool is an int in Python: true and false are not ids.
        if any(type(pk) is not int or pk < 1 for pk in ids):
            raise wrong
        count += len(ids)
        if count > MAX_ROWS:
            raise wrong
        order.append((entry["id"], tuple(entry["items"])))
    return services.Arrangement(tuple(order)), data["stamp"]


def order_view(model_admin, request: HttpRequest, object_id: str) -> JsonResponse:
    """POST JSON, the whole order (the page's script): 200 with the new stamp;
    400 for a body that is not this exhibition's rows, 403 for a curator who may
    not change it, 409 when the order changed since the page was read."""
    try:
        exhibition = _exhibition(model_admin, request, object_id)
    except PermissionDenied:
        return _problem(_("You may not change this exhibition as it is now."), 403)
    try:
        arrangement, stamp = _parse(request.body)
        moved = services.exhibition_arrange(
            exhibition=exhibition,
            arrangement=arrangement,
            stamp=stamp,
            acting_user=request.user,
        )
    except services.StaleArrangement as error:
        # The script reloads the page, which then says why nothing was moved.
        messages.error(request, str(error))
        return _problem(
            str(error), 409, stamp=services.Arrangement.of(exhibition).stamp()
        )
    except services.ArrangementError as error:
        return _problem(str(error), 400)
    except services.WorkflowError as error:
        return _problem(str(error), 403)
    return JsonResponse(
        {"stamp": services.Arrangement.of(exhibition).stamp(), "moved": moved}
    )


def urls(model_admin) -> list:
    from django.urls import path

    site = model_admin.admin_site

    def page(request, object_id):
        return arrange_view(model_admin, request, object_id)

    def order(request, object_id):
        return order_view(model_admin, request, object_id)

    return [
        path(
            "<path:object_id>/arrange/order/",
            site.admin_view(require_POST(order)),
            name="archive_exhibition_arrange_order",
        ),
        path(
            "<path:object_id>/arrange/",
            site.admin_view(require_http_methods(["GET", "POST"])(page)),
            name="archive_exhibition_arrange",
        ),
    ]
