"""Pages of a consultation's questionnaire, under /c/<council_slug>/consultations/<id>/questionnaire/."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from council.consultation.questionnaires import permissions as perms
from council.consultation.questionnaires import selectors
from council.consultation.questionnaires import services
from council.consultation.questionnaires.answers import AnswersInvalid
from council.consultation.questionnaires.forms import question_fields
from council.consultation.questionnaires.forms import raw_from_post
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.strings import results_strings
from council.consultation.views import socket_path
from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.groups.selectors import MIN_CELL_SIZE


def _questionnaire(request: Any, consultation_id: int, perm: str = "consultation.view_consultation") -> Questionnaire:
    try:
        return perms.access_questionnaire(request.user, consultation_id, council_id=request.council.pk, perm=perm)
    except AccessDenied as error:
        raise Http404 from error


def questionnaire_detail(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    """The questions, as a form for whoever may answer now; otherwise the reason, in words."""
    questionnaire = _questionnaire(request, consultation_id)
    questions = selectors.questionnaire_questions(questionnaire)
    raw: dict[int, Any] = {}
    errors: dict[int, str] = {}
    error = ""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raw = raw_from_post(questions, request.POST)
        try:
            services.questionnaire_answer(actor=request.user, questionnaire_id=questionnaire.pk, raw=raw)
        except AnswersInvalid as invalid:
            errors, error = invalid.errors, invalid.message
        except CouncilError as refused:
            error = refused.message
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("questionnaire-detail", council_slug=council_slug, consultation_id=consultation_id)
    answered = selectors.has_answered(request.user, questionnaire)
    why_not = "" if answered else perms.why_not_answer(request.user, questionnaire)
    context = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "fields": question_fields(questions, raw, errors),
        "answered": answered,
        "why_not": why_not,
        "error": error,
        "can_view_results": request.user.has_perm(perms.VIEW_RESULTS, questionnaire),
        "socket": socket_path(questionnaire.consultation),  # the link to the results shows when they may read them
    }
    return render(request, "questionnaires/questionnaire.html", context, status=400 if error else 200)


def questionnaire_results(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    """Counts, means and charts (each with its table); a breakdown of one question when asked."""
    questionnaire = _questionnaire(request, consultation_id, perms.VIEW_RESULTS)
    is_moderator = request.user.has_perm("consultation.moderate_consultation", questionnaire.consultation)
    context: dict[str, Any] = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "results": selectors.questionnaire_results(questionnaire, with_texts=is_moderator),
        "breakdown_choices": selectors.breakdown_choices(questionnaire),
        "choice_questions": [q for q in selectors.questionnaire_questions(questionnaire) if q.kind in selectors.CHOICE_KINDS],
        "breakdown": None,
        "breakdown_error": "",
        "threshold": MIN_CELL_SIZE,
        # the consultation's socket: the results live while it takes answers (questionnaires/live.py),
        # and hidden at once if the person may no longer read them (consultation.capabilities_changed)
        "socket": socket_path(questionnaire.consultation),
        "live": perms.is_open(questionnaire),
        "strings": results_strings(),
    }
    by, question = request.GET.get("by", ""), request.GET.get("question", "")
    if by and question:
        try:
            context["breakdown"] = selectors.questionnaire_breakdown(questionnaire, question_id=int(question), by=by)
        except (ValueError, CouncilError) as error:
            context["breakdown_error"] = getattr(error, "message", _("Choose a question and what to break it down by."))
    context.update({"by": by, "question_id": question})
    return render(request, "questionnaires/results.html", context, status=400 if context["breakdown_error"] else 200)
