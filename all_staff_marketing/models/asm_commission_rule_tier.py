# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount


class AsmCommissionRuleTier(models.Model):
    """Rate of a rule for one range of order/contract totals.

    A tier applies to totals strictly above ``amount_from`` and up to and including
    ``amount_to`` (the first tier starts at 0 and includes it; the last may have no
    upper limit). So "up to 500,000 -> 1 %, above -> 1.5 %" gives 500,000.00 -> 1 %
    and 500,000.01 -> 1.5 %.
    """

    _name = "asm.commission.rule.tier"
    _description = "Commission Rule Contract-Size Tier"
    _order = "rule_id, amount_from, id"

    rule_id = fields.Many2one(
        "asm.commission.rule", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    currency_id = fields.Many2one(related="rule_id.currency_id")
    name = fields.Char(compute="_compute_name", string="Tier")
    amount_from = fields.Monetary(
        string="Above",
        currency_field="currency_id",
        help="The tier applies to totals strictly above this amount (the first tier "
        "starts at 0 and includes it).",
    )
    amount_to = fields.Monetary(
        string="Up to (included)",
        currency_field="currency_id",
        help="The tier applies to totals up to and including this amount; leave 0 on "
        "the last tier for no upper limit.",
    )
    rate = fields.Float(string="Rate (%)", digits=(16, 4), required=True)

    @api.depends("amount_from", "amount_to", "currency_id")
    def _compute_name(self):
        for tier in self:
            currency = tier.currency_id or self.env.company.currency_id
            low = format_amount(self.env, tier.amount_from, currency)
            high = format_amount(self.env, tier.amount_to, currency)
            if not tier.amount_to:
                tier.name = f"> {low}" if tier.amount_from else self.env._("any total")
            elif not tier.amount_from:
                tier.name = f"≤ {high}"
            else:
                tier.name = f"> {low}, ≤ {high}"

    @api.constrains("rate", "amount_from", "amount_to")
    def _check_own_values(self):
        for tier in self:
            if tier.rate < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s of rule %(rule)s: the Rate (%%) cannot be "
                        "negative. Enter 0 or more.",
                        tier=tier.name,
                        rule=tier.rule_id.name,
                    )
                )
            if tier.amount_from < 0 or tier.amount_to < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s of rule %(rule)s: 'Above' and 'Up to' cannot be "
                        "negative.",
                        tier=tier.name,
                        rule=tier.rule_id.name,
                    )
                )
            if tier.amount_to and tier.amount_to <= tier.amount_from:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s of rule %(rule)s: 'Up to' must be above "
                        "'Above', or 0 for no upper limit.",
                        tier=tier.name,
                        rule=tier.rule_id.name,
                    )
                )
