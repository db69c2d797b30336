"""notifications views (being written)."""

urlpatterns: list = []
