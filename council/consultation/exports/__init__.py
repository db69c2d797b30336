"""Exports of a consultation (ODS, CSV) for its staff, written by a Celery task with its progress."""
