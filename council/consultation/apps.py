from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "council.consultation"
    label = "consultation"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from council.consultation import counters
        from council.consultation import permissions  # noqa: F401 - registers the consultation.* rules
        from council.consultation import personal_data  # noqa: F401 - declares what it holds about people
        from council.consultation import refusals  # noqa: F401 - what its refusals tell
        from council.consultation import text_fields  # noqa: F401 - declares its text fields
        from council.consultation.segments import council_consultations
        from council.consultation.segments import took_part_in_consultation
        from council.consultation.selectors import council_consultations_section
        from council.councils.sections import register_section
        from council.groups.segments import register_behaviour

        register_behaviour(
            "took_part_in_consultation",
            took_part_in_consultation,
            label=_("Took part in the consultation"),
            choices=council_consultations,
        )
        register_section("consultations", template="consultation/_council_section.html", context=council_consultations_section)
        _register_followers()
        _register_tenancy()
        counters.connect()


def _register_followers() -> None:
    from council.consultation.moderation import FOLLOWERS
    from council.consultation.selectors import contribution_followers
    from council.groups.notifications import register_audience

    register_audience(
        FOLLOWERS, recipients=contribution_followers,
        reason=_("You receive this message because you follow this contribution in %(council)s."),
    )


def _register_tenancy() -> None:
    from council.consultation import models
    from council.councils import tenancy

    tenancy.register(models.Consultation, "council")
    for of_consultation in (models.Phase, models.Category, models.Contribution):
        tenancy.register(of_consultation, "consultation__council")
    tenancy.register(models.ConsultationExport, "consultation__council")
    for of_contribution in (models.Comment, models.Endorsement, models.Follow, models.AbuseReport):
        tenancy.register(of_contribution, "contribution__consultation__council")
