"""The officials' form to prepare a vote; it builds a VoteDraft, the service checks the rest."""

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.groups.models import NeighbourhoodGroup
from council.rooms import agenda_links
from council.rooms.models import Room
from council.verifications.forms import add_requirement_fields
from council.voting.ballots.models import Vote
from council.voting.ballots.services import VoteDraft


class VoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text of the motion or introduction"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    method = forms.ChoiceField(label=_("Counting method"), choices=Vote.Method.choices)
    options = forms.CharField(
        label=_("Options, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Leave empty for a motion: for or against."),
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)
    appointment = forms.BooleanField(
        label=_("Appointment (to a post or a body)"),
        required=False,
        help_text=_(
            "Always a secret ballot. Give the candidates in the tie-break order from the oldest to the "
            "youngest: in a sitting, a tie after the rounds goes to the oldest candidate (CGCT L2121-21)."
        ),
    )
    min_choices = forms.IntegerField(label=_("Fewest choices on a ballot"), min_value=1, required=False)
    max_choices = forms.IntegerField(label=_("Most choices on a ballot"), min_value=1, required=False)
    tie_break = forms.CharField(
        label=_("Tie-break order"),
        required=False,
        help_text=_("The options' numbers in order of precedence, separated by commas (e.g. 2, 1, 3)."),
    )
    tie_break_reason = forms.CharField(
        label=_("Reason for this order"),
        max_length=200,
        required=False,
        help_text=_("E.g. the president's choice, or the oldest candidate first."),
    )
    eligible_groups = forms.ModelMultipleChoiceField(
        label=_("Open only to these groups"),
        queryset=NeighbourhoodGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to open the vote to everyone in the council."),
    )
    room = forms.ModelChoiceField(
        label=_("Held in a meeting"),
        queryset=Room.objects.none(),
        required=False,
        help_text=_("The meeting's room shows the vote, its participation and its ballot box's head."),
    )
    agenda_item = forms.TypedChoiceField(
        label=_("Item of the meeting's agenda"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("An item of the agenda of the meeting chosen above: the agenda shows the vote under it."),
    )
    present_only = forms.BooleanField(label=_("Only those present at the meeting may vote"), required=False)
    opens_at = forms.DateTimeField(
        label=_("Opens at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups, rooms = self.fields["eligible_groups"], self.fields["room"]
        assert isinstance(groups, forms.ModelMultipleChoiceField)
        assert isinstance(rooms, forms.ModelChoiceField)
        groups.queryset = NeighbourhoodGroup.objects.filter(council=council)
        add_requirement_fields(self, council, self.initial.get("verification_requirement"))
        rooms.queryset = Room.objects.filter(council=council, parent=None)
        # the items of each meeting's agenda, grouped by meeting (the service checks the pair)
        grouped: list[Any] = []
        for room in rooms.queryset.order_by("name", "pk"):
            items = agenda_links.items(room.pk)
            if items:
                grouped.append((room.name, [(item.id, f"{item.position + 1}. {item.title}") for item in items]))
        if grouped:
            agenda = self.fields["agenda_item"]
            assert isinstance(agenda, forms.TypedChoiceField)
            agenda.choices = [("", _("None")), *grouped]
        else:  # no meeting has an agenda: nothing to choose
            del self.fields["agenda_item"]

    @staticmethod
    def initial_for(vote: Vote) -> dict[str, Any]:
        """The form filled from a draft vote, to change it (a motion's for/against shows as no options)."""
        options = list(vote.options.all())
        keys = [option.key for option in options]
        motion = keys == ["for", "against"]
        return {
            "title": vote.title, "text": vote.text, "method": vote.method,
            "options": "" if motion else "\n".join(option.label for option in options),
            "secret": vote.secret, "appointment": vote.appointment,
            "min_choices": vote.min_choices, "max_choices": vote.max_choices,
            "tie_break": ", ".join(str(keys.index(key) + 1) for key in vote.tie_break or [] if key in keys),
            "tie_break_reason": vote.tie_break_reason, "eligible_groups": list(vote.eligible_groups.all()),
            "verification_requirement": vote.verification_requirement, "room": vote.room, "agenda_item": vote.agenda_item,
            "present_only": vote.present_only,
            "opens_at": vote.opens_at, "closes_at": vote.closes_at,
        }

    def draft(self) -> VoteDraft:
        data = self.cleaned_data
        labels = [line.strip() for line in data["options"].splitlines() if line.strip()]
        options = [(slugify(label)[:30] or f"option-{n}", label) for n, label in enumerate(labels, start=1)]
        options = [(f"{key}-{n}" if [k for k, _l in options].count(key) > 1 else key, label)
                   for n, (key, label) in enumerate(options, start=1)]
        keys = [key for key, _label in options] or ["for", "against"]
        tie_break = None
        if data["tie_break"].strip():
            try:
                tie_break = [keys[int(part) - 1] for part in data["tie_break"].split(",") if part.strip()]
            except (ValueError, IndexError):
                tie_break = ["?"]  # refused by the service with its message
        return VoteDraft(
            title=data["title"], text=data["text"], method=data["method"], options=options,
            secret=data["secret"], appointment=data["appointment"], min_choices=data["min_choices"], max_choices=data["max_choices"],
            tie_break=tie_break, tie_break_reason=data["tie_break_reason"],
            eligible_group_ids=[group.pk for group in data["eligible_groups"]],
            verification_requirement=data["verification_requirement"], opens_at=data["opens_at"], closes_at=data["closes_at"],
            room_id=data["room"].pk if data["room"] else None, present_only=data["present_only"],
            agenda_item=data.get("agenda_item"),
        )
