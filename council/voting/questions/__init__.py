"""Live Q&A in a meeting: residents ask and upvote, the facilitation team moderates and shows one question on the projector."""
