"""What machines read: robots.txt, sitemap.xml (public records only, each page in
every language with hreflang alternates) and an Atom feed of recently published
records. Every list starts from `public()`."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive import kinds
from archive.api.context import LANGUAGES
from archive.site import labels

FEED_SIZE = 50


class KindSitemap(Sitemap):
    """Every public record of one kind, in every language."""

    i18n = True
    alternates = True
    x_default = True
    languages = list(LANGUAGES)
    limit = 5000

    def __init__(self, kind: kinds.RecordKind) -> None:
        super().__init__()
        self.kind = kind

    def items(self):
        return (
            self.kind.model._default_manager.public()
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def location(self, item) -> str:
        return reverse(
            f"archive:{self.kind.model._meta.model_name}-detail", args=[item.slug]
        )

    def lastmod(self, item):
        return item.updated_at


class PagesSitemap(Sitemap):
    """The site's own pages: home, lists, timeline, search."""

    i18n = True
    alternates = True
    x_default = True
    languages = list(LANGUAGES)

    def items(self) -> list[str]:
        return [
            "archive:home",
            "archive:timeline",
            "archive:places-map",
            *(f"archive:browse-{kind.plural}" for kind in kinds.KINDS),
        ]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap(),
    **{kind.plural: KindSitemap(kind) for kind in kinds.KINDS},
}


def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_view(request, sitemaps=SITEMAPS)


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the public pages; the admin, previews, staff files and
    search results (endless combinations) are not for them."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/"]
    for code in LANGUAGES:
        lines += [
            f"Disallow: /{code}/preview/",
            f"Disallow: /{code}/files/",
            f"Disallow: /{code}/search/",
        ]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


class RecentFeed(Feed):
    """Records published most recently, of every kind, in the page's language."""

    feed_type = Atom1Feed
    title = gettext_lazy("Memorial archive: recently published")
    subtitle = gettext_lazy(
        "New records in the archive of the Holocaust and the resistance in Belgium."
    )

    def link(self) -> str:
        return reverse("archive:home")

    def items(self) -> list:
        records = []
        for kind in kinds.KINDS:
            records += list(
                kind.model._default_manager.public()
                .exclude(published_at=None)
                .order_by("-published_at")[:FEED_SIZE]
            )
        records.sort(key=lambda record: record.published_at, reverse=True)
        return records[:FEED_SIZE]

    def item_title(self, item) -> str:
        return str(item)

    def item_description(self, item) -> str:
        return _("%(kind)s in the memorial archive") % {
            "kind": labels.singular(kinds.BY_MODEL[type(item)].name)
        }

    def item_link(self, item) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
