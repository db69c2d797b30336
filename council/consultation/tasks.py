"""Celery tasks of consultations (found here by the worker's autodiscovery)."""

from council.consultation.exports.tasks import export_write

__all__ = ["export_write"]
