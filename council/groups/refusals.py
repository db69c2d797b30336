"""What a person is told when a groups.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "groups.manage_groups": _("Only the facilitation team can create or delete groups."),
    "groups.manage_zones": _("Only the council's administration can change the zones."),
    "groups.manage_attributes": _("Only the council's administration can change the profile questions."),
    "groups.view_breakdown": _("Only the facilitation team can see who took part."),
    "groups.view_group": _("This group does not exist or is not open to you."),
    "groups.change_group": _("Only the group's coordinators can change it."),
    "groups.delete_group": _("Only the facilitation team can delete this group."),
    "groups.invite_member": _("You cannot invite people to this group."),
    "groups.approve_member": _("You cannot accept requests to join this group."),
    "groups.remove_member": _("You cannot remove members from this group."),
    "groups.import_members": _("You cannot import members into this group."),
    "groups.export_members": _("You cannot export this group's members."),
    "groups.notify_group": _("You cannot send notifications to this group."),
    "groups.set_coordinator": _("Only the facilitation team can choose the group's coordinators."),
    "groups.join_group": _("You cannot join this group."),
    "groups.edit_profile": _("You cannot fill in a profile in this council."),
    "groups.coordinate_group": _("Only the group's coordinators can do this."),
    "groups.read_notification": _("This notification does not exist or is not yours."),
})
