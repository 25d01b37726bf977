# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    group_asm_all_participants = fields.Boolean(
        string="Every employee is a participant",
        implied_group="all_staff_marketing.group_participant",
        help="Every internal user becomes an All-Staff Marketing participant and can "
        "register referrals.",
    )

    # --- attribution, ownership protection and customer tiers (branch attr) ---
    asm_first_referrer_share = fields.Float(
        related="company_id.asm_first_referrer_share", readonly=False
    )
    asm_first_salesperson_share = fields.Float(
        related="company_id.asm_first_salesperson_share", readonly=False
    )
    asm_first_service_share = fields.Float(
        related="company_id.asm_first_service_share", readonly=False
    )
    asm_followup_referrer_share = fields.Float(
        related="company_id.asm_followup_referrer_share", readonly=False
    )
    asm_followup_salesperson_share = fields.Float(
        related="company_id.asm_followup_salesperson_share", readonly=False
    )
    asm_followup_service_share = fields.Float(
        related="company_id.asm_followup_service_share", readonly=False
    )
    asm_protection_days = fields.Integer(
        related="company_id.asm_protection_days", readonly=False
    )
    asm_tier_a_threshold = fields.Monetary(
        related="company_id.asm_tier_a_threshold",
        readonly=False,
        currency_field="currency_id",
    )
    asm_tier_b_threshold = fields.Monetary(
        related="company_id.asm_tier_b_threshold",
        readonly=False,
        currency_field="currency_id",
    )
    asm_tier_computed_at = fields.Datetime(related="company_id.asm_tier_computed_at")
    # --- shares without an employee, quota grace period (branch m2) ---
    asm_orphan_share_policy = fields.Selection(
        related="company_id.asm_orphan_share_policy", readonly=False
    )
    asm_quota_grace_days = fields.Integer(
        related="company_id.asm_quota_grace_days", readonly=False
    )
    asm_award_approval_threshold = fields.Monetary(
        related="company_id.asm_award_approval_threshold",
        readonly=False,
        currency_field="currency_id",
    )

    asm_default_referral_mode = fields.Selection(
        related="company_id.asm_default_referral_mode", readonly=False
    )
    # --- leaderboards (branch lb) ---
    asm_ranking_top_pct = fields.Float(
        related="company_id.asm_ranking_top_pct", readonly=False
    )
    asm_public_points = fields.Boolean(
        related="company_id.asm_public_points", readonly=False
    )
    asm_public_new_customers = fields.Boolean(
        related="company_id.asm_public_new_customers", readonly=False
    )
    asm_public_collected = fields.Boolean(
        related="company_id.asm_public_collected", readonly=False
    )
    asm_public_commission = fields.Boolean(
        related="company_id.asm_public_commission", readonly=False
    )

    def set_values(self):
        """Refuse to turn Pricelists off while an employee price list is active."""
        if not self.group_product_pricelist:
            employee_prices = (
                self.env["product.pricelist"]
                .sudo()
                .search([("asm_employee_price", "=", True)])
            )
            if employee_prices:
                raise UserError(
                    self.env._(
                        "The Pricelists feature cannot be turned off: the employee "
                        "price list %(pricelists)s needs it (orders at the employee "
                        "price earn no referral reward). Archive it or untick "
                        "'Employee Price' on it first.",
                        pricelists=", ".join(employee_prices.mapped("name")),
                    )
                )
        return super().set_values()

    def action_asm_recompute_tiers(self):
        return self.env["res.partner"].action_asm_recompute_tiers()
