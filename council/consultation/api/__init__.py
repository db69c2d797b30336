"""The open data API of consultations (read-only, public data only), at /api/v1/."""
