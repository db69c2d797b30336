"""Typed answers, one schema per kind of poll (validated once at the edge: socket or phone form).

The bounds that depend on the poll (how many options, min/max, the scale's ends, a ranking
being a permutation) are the service's to check: the schema knows the shape only.
"""

from typing import Annotated
from typing import Literal

from pydantic import Field

from council.core.commands import Payload

MAX_OPTIONS = 20

Index = Annotated[int, Field(ge=0, lt=MAX_OPTIONS)]


class SingleAnswer(Payload):
    kind: Literal["single"]
    choice: Index


class MultipleAnswer(Payload):
    kind: Literal["multiple"]
    choices: list[Index] = Field(max_length=MAX_OPTIONS)


class YesNoAnswer(Payload):
    kind: Literal["yes_no"]
    vote: Literal["yes", "no", "abstain"]


class ScaleAnswer(Payload):
    kind: Literal["scale"]
    value: int = Field(ge=-100, le=100)


class RankingAnswer(Payload):
    kind: Literal["ranking"]
    order: list[Index] = Field(max_length=MAX_OPTIONS)


AnswerValue = Annotated[
    SingleAnswer | MultipleAnswer | YesNoAnswer | ScaleAnswer | RankingAnswer, Field(discriminator="kind")
]
