"""What a person is told when a consultation_meetings.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "consultation_meetings.present_contribution": _(
        "Only the meeting's facilitators bring a published contribution of this council into the meeting."
    ),
    "consultation_meetings.present_results": _(
        "Only the meeting's facilitators who may read a questionnaire's results bring them into the meeting."
    ),
    "consultation_meetings.receive_report": _(
        "Only the consultation's moderators add a report back to it, while it takes contributions."
    ),
})
