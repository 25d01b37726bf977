# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

REFERRAL_MODES = [("direct", "Direct"), ("handoff", "Hand-off")]
DEAL_TYPES = [("first", "First deal"), ("followup", "Follow-up")]


class AsmAttributionMixin(models.AbstractModel):
    """Who brought a deal in and how its reward is split.

    One definition shared by the CRM lead, the sale order and the invoice, so the
    attribution travels along the flow unchanged (the OCA ``commission.mixin`` idea).
    """

    _name = "asm.attribution.mixin"
    _description = "All-Staff Marketing attribution"

    referrer_id = fields.Many2one(
        "hr.employee",
        string="Referrer",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        help="Employee who brought this customer in.",
    )
    referral_mode = fields.Selection(
        REFERRAL_MODES,
        string="Referral Mode",
        tracking=True,
        help="Direct: the referrer closed the deal. Hand-off: the referrer confirmed "
        "the key person and handed over to the sales team.",
    )
    referral_deal_type = fields.Selection(
        DEAL_TYPES,
        string="Deal Type",
        tracking=True,
        help="First deal of this customer in this company, or a follow-up deal.",
    )
    service_employee_id = fields.Many2one(
        "hr.employee",
        string="Customer Service",
        tracking=True,
        check_company=True,
    )
    referrer_share = fields.Float(string="Referrer Share (%)", tracking=True)
    salesperson_share = fields.Float(string="Salesperson Share (%)", tracking=True)
    service_share = fields.Float(string="Service Share (%)", tracking=True)
    referral_excluded = fields.Boolean(
        string="Excluded from Rewards",
        tracking=True,
        help="No commission is earned on this document (e.g. sold at employee price).",
    )
    referral_exclusion_reason = fields.Char(string="Exclusion Reason", tracking=True)

    @api.constrains(
        "referrer_id", "referrer_share", "salesperson_share", "service_share"
    )
    def _check_referral_shares(self):
        for rec in self.filtered("referrer_id"):
            shares = (rec.referrer_share, rec.salesperson_share, rec.service_share)
            if any(share < 0 for share in shares):
                raise ValidationError(
                    self.env._(
                        "%(doc)s: a reward share cannot be negative "
                        "(referrer %(r)s %%, salesperson %(s)s %%, service %(c)s %%).",
                        doc=rec.display_name,
                        r=rec.referrer_share,
                        s=rec.salesperson_share,
                        c=rec.service_share,
                    )
                )
            if float_compare(sum(shares), 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "%(doc)s: the reward shares must add up to 100 %%, they add up "
                        "to %(total)s %% (referrer %(r)s, salesperson %(s)s, "
                        "service %(c)s). Fix the shares.",
                        doc=rec.display_name,
                        total=round(sum(shares), 2),
                        r=rec.referrer_share,
                        s=rec.salesperson_share,
                        c=rec.service_share,
                    )
                )

    def _prepare_attribution_vals(self):
        """Values that carry this record's attribution onto the next document."""
        self.ensure_one()
        return {
            "referrer_id": self.referrer_id.id,
            "referral_mode": self.referral_mode,
            "referral_deal_type": self.referral_deal_type,
            "service_employee_id": self.service_employee_id.id,
            "referrer_share": self.referrer_share,
            "salesperson_share": self.salesperson_share,
            "service_share": self.service_share,
            "referral_excluded": self.referral_excluded,
            "referral_exclusion_reason": self.referral_exclusion_reason,
        }
