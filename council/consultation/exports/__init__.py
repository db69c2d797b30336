"""Exports of a consultation (ODS, CSV, JSON) for its staff, written by a Celery task with its progress."""
