"""A tiny meeting module, registered only in tests: it checks the host's guide (README, "Adding a meeting module")."""
