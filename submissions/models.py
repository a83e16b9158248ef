"""The generic submission link: the one link through which people without an account submit a job."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Account

# The generic link's daily job cap: beyond this it is no cap at all.
JOBS_PER_DAY_MAX = 1000


class SubmissionLink(models.Model):
    """The generic link through which people without an account submit a job."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    is_enabled = models.BooleanField(_("enabled"), default=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    max_jobs_per_day = models.PositiveIntegerField(
        _("maximum jobs per day"), default=5, validators=[MinValueValidator(1), MaxValueValidator(JOBS_PER_DAY_MAX)]
    )
    max_bytes_per_job = models.PositiveBigIntegerField(_("maximum size per job (bytes)"), default=100 * 1024 * 1024)
    max_bytes_per_day = models.PositiveBigIntegerField(_("maximum size per day (bytes)"), default=500 * 1024 * 1024)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account receiving the submissions"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    regenerated_at = models.DateTimeField(_("regenerated"), null=True, blank=True)

    class Meta:
        verbose_name = _("generic submission link")
        verbose_name_plural = _("generic submission link")
        # The table keeps the name it had when the model lived in contacts (moved without copying rows).
        db_table = "contacts_submissionlink"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_jobs_per_day__lte=JOBS_PER_DAY_MAX), name="submissionlink_jobs_bounded"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Generic submission link"))
