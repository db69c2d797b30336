from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Petitions: a resident opens one, others sign it; at the council's threshold it goes on a
    meeting's agenda and calls for an official answer, which its signers are told of."""

    name = "council.consultation.petitions"
    label = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from council.consultation.petitions import models
        from council.consultation.petitions import permissions  # noqa: F401 - registers the petitions.* rules
        from council.consultation.petitions import personal_data  # noqa: F401 - declares what it holds about people
        from council.consultation.petitions import refusals  # noqa: F401 - what its refusals tell
        from council.consultation.petitions import selectors
        from council.consultation.petitions import text_fields  # noqa: F401 - declares its text fields
        from council.consultation.petitions.segments import council_petitions
        from council.consultation.petitions.segments import signed_petition
        from council.councils import tenancy
        from council.councils.sections import register_section
        from council.groups.segments import register_behaviour
        from council.rooms import agenda_links

        register_section("petitions", template="petitions/_council_section.html", context=selectors.council_petitions_section)
        register_behaviour("signed_petition", signed_petition, label=_("Signed the petition"), choices=council_petitions)
        agenda_links.register_attachments(
            "petition", attached=selectors.agenda_attachments, strings=selectors.attachment_strings
        )
        tenancy.register(models.PetitionSettings, "council")
        tenancy.register(models.Petition, "council")
        tenancy.register(models.Signature, "petition__council")
