"""What the open API shows of consultations: what their public pages show, nothing more.

Never an e-mail, a hidden or withdrawn contribution, a hidden comment, a moderator's reason for
hiding, a report or a request id; authors appear by the public name the pages show.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Phase


class PhaseSerializer(serializers.ModelSerializer[Phase]):
    class Meta:
        model = Phase
        fields = ["kind", "starts_at", "ends_at"]


class ConsultationSerializer(serializers.ModelSerializer[Consultation]):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phases = PhaseSerializer(many=True, read_only=True)
    current_phase = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = ["id", "council", "title", "description", "language", "created_at", "current_phase", "phases", "categories", "url"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_current_phase(self, consultation: Consultation) -> str | None:
        phase = consultation.current_phase
        return phase.kind if phase else None

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_categories(self, consultation: Consultation) -> list[dict[str, Any]]:
        return [{"id": category.pk, "name": category.name} for category in consultation.categories.all()]

    def get_url(self, consultation: Consultation) -> str:
        from django.urls import reverse

        path = reverse("consultation-detail", args=[consultation.council.slug, consultation.pk])
        return self.context["request"].build_absolute_uri(path)


class ContributionSerializer(serializers.ModelSerializer[Contribution]):
    author = serializers.CharField(source="author.public_name", read_only=True)
    category = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)
    endorsements = serializers.IntegerField(source="endorsement_count", read_only=True)
    comments = serializers.IntegerField(source="comment_count", read_only=True)
    edited = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Contribution
        fields = [
            "id", "consultation", "title", "body", "category", "status", "status_reason", "answer", "answered_at",
            "author", "latitude", "longitude", "created_at", "edited", "endorsements", "comments", "url",
        ]

    def get_edited(self, contribution: Contribution) -> bool:
        return contribution.edited_at is not None

    def get_url(self, contribution: Contribution) -> str:
        from django.urls import reverse

        consultation = contribution.consultation
        path = reverse("contribution-detail", args=[consultation.council.slug, consultation.pk, contribution.pk])
        return self.context["request"].build_absolute_uri(path)


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author = serializers.CharField(source="author.public_name", read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Comment
        fields = ["id", "contribution", "parent", "depth", "stance", "body", "author", "created_at"]
