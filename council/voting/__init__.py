"""Voting: the meeting modules that let people decide.

Each part is its own small Django app, registered with the room's host like workshops:
`polls` (live polls in a meeting), `questions` (live Q&A), `ballots` (binding votes, in a
meeting or on their own pages), `assembly` (the council's meeting rules: presence, quorum,
proxies) and `tally` (the counting methods, plain Python without Django, so that anyone can
read and re-run them).
"""
