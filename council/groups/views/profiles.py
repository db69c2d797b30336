"""profiles views (being written)."""

urlpatterns: list = []
