"""Participatory-budgeting rules in plain Python (no Django): greedy by votes and the Method of
Equal Shares with add-one or greedy completion, in exact rational arithmetic."""

from .greedy import greedy
from .greedy import project_scores
from .mes import MESResult
from .mes import Progress
from .mes import mes
from .mes import mes_add_one
from .mes import mes_greedy_completion
from .model import APPROVAL
from .model import CUMULATIVE
from .model import KINDS
from .model import ORDINAL
from .model import Instance
from .model import Profile
from .model import Project
from .shares import Shares
from .shares import mes_shares

__all__ = [
    "APPROVAL",
    "CUMULATIVE",
    "KINDS",
    "ORDINAL",
    "Instance",
    "MESResult",
    "Profile",
    "Progress",
    "Project",
    "Shares",
    "greedy",
    "mes",
    "mes_add_one",
    "mes_greedy_completion",
    "mes_shares",
    "project_scores",
]
