"""The staff preview of a record; the public pages are in `archive/site/`."""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.views.generic import DetailView

from archive import workflow
from archive.preview import read_preview_token


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
