"""The project package. The Celery app is loaded with Django, so tasks queued by
the site (`archive.tasks`) use the broker named in settings."""

from memorial.celery import app as celery_app

__all__ = ("celery_app",)
