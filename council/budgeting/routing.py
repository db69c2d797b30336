from django.urls import path

from council.budgeting.consumers import BudgetConsumer

websocket_urlpatterns = [
    path("ws/c/<slug:council_slug>/budgets/<int:budget_id>/", BudgetConsumer.as_asgi()),
]
