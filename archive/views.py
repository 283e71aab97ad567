"""Public pages. Each view only chooses a queryset; visibility lives in `public()`."""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpResponseGone
from django.views.generic import DetailView, TemplateView

from archive import kinds, workflow
from archive import models as m
from archive.preview import read_preview_token

#: URL segment -> model, for the public detail pages.
DETAIL_ROUTES = {kind.plural: kind.model for kind in kinds.KINDS}


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exhibitions"] = m.Exhibition.objects.public().order_by("title")[:10]
        context["recognitions"] = m.Recognition.objects.public().order_by("title")[:20]
        context["events"] = m.Event.objects.public().order_by("date_earliest")[:40]
        return context


class RecordDetailView(DetailView):
    """One record, if the public may see it; a withdrawn record that was once public
    answers 410 Gone."""

    template_name = "archive/record_detail.html"
    context_object_name = "record"

    def get_queryset(self):
        return self.model._default_manager.public()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Only a record the public once saw is "gone"; any other hidden record
            # answers the same 404 as an address that never existed.
            if (
                self.model._default_manager.gone()
                .filter(slug=kwargs.get("slug"))
                .exists()
            ):
                return HttpResponseGone(
                    "This record has been withdrawn from the archive."
                )
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citations"] = self.object.citations.select_related("source").filter(
            source__in=m.Source.objects.public()
        )
        context["model_name"] = self.model._meta.verbose_name
        return context


class PreviewView(DetailView):
    """A draft as the public would see it, for staff holding a signed, fresh link."""

    template_name = "archive/record_detail.html"
    context_object_name = "record"

    def get_object(self, queryset=None):
        """The record, for staff who may view its kind; anyone else gets the same
        404 as for a bad or expired link."""
        user = self.request.user
        if not (user.is_authenticated and user.is_staff):
            raise Http404
        try:
            model, pk = read_preview_token(self.kwargs["token"])
        except signing.BadSignature as error:
            raise Http404 from error
        if not workflow.may_view(user, model):
            raise Http404
        try:
            return model._default_manager.get(pk=pk)
        except model.DoesNotExist as error:
            raise Http404 from error

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citations"] = self.object.citations.select_related("source")
        context["model_name"] = self.object._meta.verbose_name
        context["is_preview"] = True
        return context
