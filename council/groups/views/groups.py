"""groups views (being written)."""

urlpatterns: list = []
