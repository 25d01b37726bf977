# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

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

    asm_document_readable = fields.Boolean(
        compute="_compute_asm_document_readable",
        search="_search_asm_document_readable",
        help="Technical: the review's document is one of this addon's and the user "
        "may read it (the record rule on reviews of our documents).",
    )

    def _compute_asm_document_readable(self):
        readable = self.search(
            [("id", "in", self.ids), ("asm_document_readable", "=", True)]
        )
        for review in self:
            review.asm_document_readable = review in readable

    @api.model
    def _asm_reviewed_models(self):
        """This addon's models that are reviewed by tiers."""
        return [
            name
            for name in self.env.registry.descendants(
                ["asm.approval.mixin"], "_inherit"
            )
            if not self.env[name]._abstract
        ]

    @api.model
    def _search_asm_document_readable(self, operator, value):
        """Reviews of our documents that the current user may read: the
        document's own record rules decide (employee, team managers, finance,
        managers, the reviewers the tiers name). Evaluated as the user even when
        the rule engine searches as the superuser."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on asm_document_readable."))
        user_env = self.env(su=False)
        domains = []
        for name in self._asm_reviewed_models():
            documents = user_env[name].with_context(active_test=False)
            if not documents.has_access("read"):
                continue
            domains.append(
                [("model", "=", name), ("res_id", "in", documents._search([]))]
            )
        domain = expression.OR(domains) if domains else expression.FALSE_DOMAIN
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

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
