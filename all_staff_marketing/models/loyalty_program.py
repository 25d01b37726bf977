# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyProgram(models.Model):
    """A customer-referral (fission) campaign is a loyalty program.

    The program's own rules and rewards give the referred customer's first order
    its discount (sale_loyalty's normal flow); the fields below say what the
    referring customer receives once that customer's first invoice is paid.
    """

    _inherit = "loyalty.program"

    asm_customer_referral = fields.Boolean(
        string="Customer Referral Campaign",
        help="Customers refer new customers in this campaign: a referred customer's "
        "first order gets this program's rewards, and the referring customer gets "
        "a coupon of the reward program once that first invoice is paid.",
    )
    asm_referrer_program_id = fields.Many2one(
        "loyalty.program",
        string="Referring Customer's Reward",
        domain="[('program_type', 'in', ('coupons', 'gift_card')), "
        "('asm_customer_referral', '=', False), "
        "('company_id', 'in', (company_id, False))]",
        help="Coupon program whose coupon the referring customer receives, e.g. a "
        "500 discount or a service-fee discount.",
    )
    asm_referrer_points = fields.Float(
        string="Coupon Points",
        default=1.0,
        help="Points loaded on the referring customer's coupon: 1 for a coupon "
        "whose reward costs 1 point; the amount (e.g. 500) for a reward of 1 per "
        "point.",
    )
    asm_referrer_validity_days = fields.Integer(
        string="Coupon Validity (Days)",
        help="The referring customer's coupon expires this many days after it is "
        "granted (a discount for a period). 0: it does not expire.",
    )
    asm_referral_card_ids = fields.One2many(
        "loyalty.card", "asm_referral_campaign_id", string="Referral Coupons"
    )
    asm_referral_card_count = fields.Integer(
        string="Referral Coupons Granted", compute="_compute_asm_referral_card_count"
    )
    asm_referred_partner_count = fields.Integer(
        string="Referred Customers", compute="_compute_asm_referred_partner_count"
    )

    def _compute_asm_referral_card_count(self):
        counts = dict(
            self.env["loyalty.card"]
            .with_context(active_test=False)
            ._read_group(
                [("asm_referral_campaign_id", "in", self.ids)],
                ["asm_referral_campaign_id"],
                ["__count"],
            )
        )
        for program in self:
            program.asm_referral_card_count = counts.get(program, 0)

    def _compute_asm_referred_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [
                    ("asm_referral_campaign_id", "in", self.ids),
                    *self.env["res.partner"]._asm_commercial_domain(),
                ],
                ["asm_referral_campaign_id"],
                ["__count"],
            )
        )
        for program in self:
            program.asm_referred_partner_count = counts.get(program, 0)

    @api.constrains(
        "asm_customer_referral",
        "asm_referrer_program_id",
        "asm_referrer_points",
        "asm_referrer_validity_days",
        "company_id",
    )
    def _check_asm_customer_referral(self):
        for program in self.filtered("asm_customer_referral"):
            reward = program.asm_referrer_program_id
            if not reward:
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s: choose the coupon program the "
                        "referring customer receives (Referring Customer's Reward).",
                        campaign=program.name,
                    )
                )
            if reward == program or reward.asm_customer_referral:
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s: the referring customer's reward must "
                        "be a coupon program that is not itself a referral campaign.",
                        campaign=program.name,
                    )
                )
            if program.company_id and reward.company_id not in (
                program.company_id,
                self.env["res.company"],
            ):
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s belongs to %(company)s: choose a "
                        "reward program of that company.",
                        campaign=program.name,
                        company=program.company_id.name,
                    )
                )
            if program.asm_referrer_points <= 0:
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s: the coupon points must be positive.",
                        campaign=program.name,
                    )
                )
            if program.asm_referrer_validity_days < 0:
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s: the coupon validity cannot be "
                        "negative (0 means no expiry).",
                        campaign=program.name,
                    )
                )

    def _asm_prepare_referral_card_vals(self, invoice):
        """Values of the coupon the referring customer gets for ``invoice``."""
        self.ensure_one()
        referred = invoice.commercial_partner_id
        expiration = False
        if self.asm_referrer_validity_days:
            expiration = fields.Date.add(
                fields.Date.context_today(self), days=self.asm_referrer_validity_days
            )
        return {
            "program_id": self.asm_referrer_program_id.id,
            "partner_id": referred.asm_referred_by_partner_id.commercial_partner_id.id,
            "points": self.asm_referrer_points,
            "expiration_date": expiration,
            "asm_referral_campaign_id": self.id,
            "asm_referred_partner_id": referred.id,
            "asm_referral_invoice_id": invoice.id,
            "asm_referral_points": self.asm_referrer_points,
            "asm_referral_state": "granted",
        }

    def action_asm_view_referral_cards(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Referral Coupons"),
            "res_model": "loyalty.card",
            "view_mode": "list,form",
            "domain": [("asm_referral_campaign_id", "=", self.id)],
            "context": {"active_test": False, "create": False},
        }

    def action_asm_view_referred_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Referred Customers"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [
                ("asm_referral_campaign_id", "=", self.id),
                *self.env["res.partner"]._asm_commercial_domain(),
            ],
            "context": {"create": False},
        }
