"""Participatory budgeting (issue 14): projects with costs, budget ballots, results by greedy and
by the Method of Equal Shares. The computation lives in `rules/` (no Django), `.pb` files in
`pabulib.py`."""
