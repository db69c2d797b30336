"""zones views (being written)."""

urlpatterns: list = []
