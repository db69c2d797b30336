"""breakdowns views (being written)."""

urlpatterns: list = []
