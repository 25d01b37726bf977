# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError, ValidationError


class AsmApprovalMixin(models.AbstractModel):
    """Tier validation for our records that pay money (OCA ``base_tier_validation``).

    A model becomes approvable with ``_inherit = [<model>, "asm.approval.mixin"]``.
    It needs mail.thread, a ``state`` field with draft / confirmed / approved (/ paid)
    values and ``action_approve`` / ``action_draft`` methods. Then: confirming (the
    state written to confirmed) requests the reviews of every applicable
    ``tier.definition``; the last validation approves the record; a rejection sends
    it back to draft with the reviewer's comment in the chatter; the record is
    read-only while under review and once approved. Tier definitions list the model
    automatically (``tier_definition.py``).
    """

    _name = "asm.approval.mixin"
    _inherit = ["tier.validation"]
    _description = "All-Staff Marketing approval by tiers"

    _tier_validation_manual_config = False
    _state_from = ["confirmed"]
    _state_to = ["approved"]
    _cancel_state = "draft"
    # States in which the record is frozen (read-only but for workflow fields).
    _approval_frozen_states = ("approved", "paid")

    def write(self, vals):
        self._check_frozen_write(vals)
        submitted = self.browse()
        if self._state_field in vals:
            # A state change is under way: the tier checks of this write may
            # validate reviews; they must not start a second approval from there.
            self = self.with_context(asm_approval_state_write=True)
            if vals[self._state_field] in self._state_from:
                submitted = self.filtered(
                    lambda rec: rec[rec._state_field] not in rec._state_from
                )
        res = super().write(vals)
        if submitted:
            submitted._request_tier_reviews()
        return res

    def _request_tier_reviews(self):
        """Start a round of reviews on records just submitted for approval."""
        # A previous round (rejected) is over.
        self.review_ids.unlink()
        # need_validation has no dependencies: drop its cached value around the
        # change of reviews.
        self.invalidate_recordset(["need_validation"])
        self.filtered("need_validation").request_validation()
        self.invalidate_recordset(["need_validation"])
        # Computing which reviews are pending now notifies their reviewers now.
        self.env["tier.review"].flush_model(["can_review"])

    def _allow_to_remove_reviews(self, values):
        # A rejected round stays visible (and readable by its reviewers) until
        # the record is confirmed again.
        # the workflow's own step (as the system) only: a client's key does nothing
        if self.env.su and self.env.context.get("asm_keep_rejected_reviews"):
            return False
        return super()._allow_to_remove_reviews(values)

    def _get_to_validate_message_name(self):
        """The model's name in the user's language (``_description`` is English)."""
        # sudo: reviewers need not read ir.model; the name is not confidential
        return self.env["ir.model"].sudo()._get(self._name).name

    def _get_to_validate_message(self):
        """Banner text, translated by this addon (base_tier_validation has no zh_CN)."""
        return Markup('<i class="fa fa-info-circle"></i> %s') % self.env._(
            "This %(document)s needs to be validated.",
            document=self._get_to_validate_message_name(),
        )

    def _get_tier_validation_readonly_domain(self):
        # Editable in draft, also after a rejection.
        return "validation_status in ('waiting', 'pending', 'validated')"

    def _check_frozen_write(self, vals):
        """Refuse edits of an approved or paid record, except workflow fields."""
        if self.env.su and self.env.context.get("skip_validation_check"):
            # the context key alone is no bypass: a client can send any context
            return
        frozen = self.filtered(
            lambda rec: rec[rec._state_field] in rec._approval_frozen_states
        )
        if not frozen:
            return
        refused = set(vals) - set(self._get_after_validation_exceptions())
        if refused:
            names = self.fields_get(sorted(refused), attributes=["string"])
            raise ValidationError(
                self.env._(
                    "%(record)s is approved and can no longer be changed (fields: "
                    "%(fields)s). Corrections go to the next statement.",
                    record=frozen[0].display_name,
                    fields=", ".join(f["string"] for f in names.values()),
                )
            )

    @api.model
    def _get_after_validation_exceptions(self):
        """Workflow fields that still change after approval (paid, payroll link)."""
        return [*super()._get_after_validation_exceptions(), self._state_field]

    def validate_tier(self):
        self._check_can_review()
        self._check_reviewer_independent()
        return super().validate_tier()

    def reject_tier(self):
        self._check_can_review()
        self._check_reviewer_independent()
        return super().reject_tier()

    def _get_review_conflict_users(self):
        """Users who may not review this record: whoever submitted it for review.
        Extend with those it pays."""
        self.ensure_one()
        return self.sudo().review_ids.requested_by

    def _check_reviewer_independent(self):
        """Segregation of duties: nobody reviews a record that pays them."""
        for rec in self:
            if self.env.user in rec._get_review_conflict_users():
                raise UserError(
                    self.env._(
                        "You cannot review %(record)s: it pays you (you are its "
                        "employee or the beneficiary of one of its lines) or you "
                        "submitted it. Another reviewer of the same level must "
                        "review it.",
                        record=rec.display_name,
                    )
                )

    def _check_can_review(self):
        self.ensure_one()
        if not self.can_review:
            raise UserError(
                self.env._(
                    "You cannot review %(record)s now: it is not waiting for you "
                    "(%(next)s). Reviews follow the order of the tiers.",
                    record=self.display_name,
                    next=self.next_review or self.env._("no review pending"),
                )
            )

    def _check_reviews_of_self(self, tiers):
        """Reviews are decided on their own record only.

        base_tier_validation's comment wizard takes the record (``res_model``,
        ``res_id``) and the reviews (``review_ids``) from the client: reviews of
        another record would be decided with this record's checks.
        """
        self.ensure_one()
        if not tiers:
            return
        foreign = tiers.sudo().filtered(
            lambda review: review.model != self._name or review.res_id != self.id
        )
        if foreign:
            raise UserError(
                self.env._(
                    "These reviews do not belong to %(record)s: open the document "
                    "they review and use its Validate or Reject button.",
                    record=self.display_name,
                )
            )

    def _validate_tier(self, tiers=False):
        self._check_reviews_of_self(tiers)
        if (tiers or self.review_ids).filtered(
            lambda review: review.status in ("waiting", "pending")
            and self.env.user in review.reviewer_ids
        ):
            self._check_reviewer_independent()
        # reviews of our records are written by the system only (tier_review.py);
        # the reviewer is still ``self.env.user``
        res = super(AsmApprovalMixin, self.sudo())._validate_tier(
            tiers and tiers.sudo()
        )
        if (
            self.validation_status == "validated"
            and self[self._state_field] in self._state_from
            and not self.env.context.get("asm_approval_state_write")
        ):
            # The last reviewer's validation is the approval itself. Reviewers are
            # whoever the tier definitions name and may lack write access on the
            # record: this state change is the workflow's own step.
            self.sudo()._action_tier_validated()
        return res

    def _rejected_tier(self, tiers=False):
        self._check_reviews_of_self(tiers)
        self._check_reviewer_independent()
        reviews = (tiers or self.review_ids).filtered(
            lambda r: self.env.user in r.reviewer_ids and r.comment
        )
        comment = reviews[:1].comment
        res = super(AsmApprovalMixin, self.sudo())._rejected_tier(
            tiers and tiers.sudo()
        )
        if (
            self.validation_status == "rejected"
            and self[self._state_field] in self._state_from
        ):
            # Same as above: the rejecting reviewer triggers the workflow's step.
            self.sudo()._action_tier_rejected(comment)
        return res

    def _action_tier_validated(self):
        """Hook: every tier validated. Override for a different approval step."""
        self.action_approve()

    def _action_tier_rejected(self, comment):
        """Hook: a tier rejected. Override for a different rejection policy."""
        if comment:
            body = self.env._(
                "Rejected by %(user)s: %(comment)s. Back to draft.",
                user=self.env.user.name,
                comment=comment,
            )
        else:
            body = self.env._(
                "Rejected by %(user)s. Back to draft.", user=self.env.user.name
            )
        self.message_post(body=body)
        self.with_context(asm_keep_rejected_reviews=True).action_draft()
