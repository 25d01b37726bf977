# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError

#: Models of this addon start with this prefix; their reviews are guarded.
OUR_PREFIX = "asm."


class TierReview(models.Model):
    """Reviews of our records change only through Validate / Reject.

    base_tier_validation lets every internal user create, write and delete any
    review; for commission statements and awards that would let anyone mark the
    reviews approved and have the record approved. Our approval steps write the
    reviews as the system after their checks (``asm.approval.mixin``); a user only
    writes the comment of their own review (the comment wizard).
    """

    _inherit = "tier.review"

    def _is_asm_review(self):
        return self.filtered(lambda review: (review.model or "").startswith(OUR_PREFIX))

    def _raise_asm_review_refused(self):
        raise UserError(
            self.env._(
                "Reviews of commission statements and awards are recorded by their "
                "Validate and Reject buttons only."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            (vals.get("model") or "").startswith(OUR_PREFIX) for vals in vals_list
        ):
            self._raise_asm_review_refused()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and self._is_asm_review() and not self._asm_allowed(vals):
            self._raise_asm_review_refused()
        return super().write(vals)

    def _asm_allowed(self, vals):
        """What a user may write on our reviews: their own review's comment (the
        comment wizard) and the sequencing base_tier_validation recomputes as the
        user (a review becoming pending). Never a decision."""
        if set(vals) - {"comment", "status", "can_review"}:
            return False
        if vals.get("status", "pending") not in ("waiting", "pending"):
            return False
        if "comment" in vals:
            return not self._is_asm_review().filtered(
                lambda review: self.env.user not in review.reviewer_ids
            )
        return True

    def unlink(self):
        if not self.env.su and self._is_asm_review():
            self._raise_asm_review_refused()
        return super().unlink()
