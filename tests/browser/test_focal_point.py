"""A curator sets an image's focal point by clicking its preview in the admin."""

import pytest

from archive import models as m
from tests import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_clicking_the_preview_sets_the_focal_point(live_server, page):
    # A superuser, not a group member: after an earlier transactional test's flush
    # the migrated groups may be gone (see the report on serialized_rollback).
    f.make_user(username="ines", password="walkthrough-password-2", is_superuser=True)
    image = f.make_image(title="Grand-Place")

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "ines")
    page.fill("#id_password", "walkthrough-password-2")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/archive/image/{image.pk}/change/")

    preview = page.locator("[data-focal-preview] img")
    preview.wait_for()
    loaded = "document.querySelector('[data-focal-preview] img').naturalWidth"
    assert page.evaluate(loaded) > 0  # the private rendition is served to staff
    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert abs(float(page.input_value("#id_focal_x")) - 0.25) < 0.03
    assert abs(float(page.input_value("#id_focal_y")) - 0.75) < 0.03

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    image.refresh_from_db()
    assert abs(image.focal_x - 0.25) < 0.03 and abs(image.focal_y - 0.75) < 0.03
    assert m.Rendition.objects.filter(image=image).exists()
