# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

BENEFICIARY_ROLES = [
    ("referrer", "Referrer"),
    ("salesperson", "Salesperson"),
    ("service", "Customer Service"),
    ("event", "Event Reward"),
]


class AsmCommissionLine(models.Model):
    """One earned (or clawed back) amount for one employee; never edited once stated."""

    _name = "asm.commission.line"
    _description = "Commission Line"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    employee_id = fields.Many2one(
        "hr.employee", string="Employee", required=True, index=True, check_company=True
    )
    department_id = fields.Many2one(
        "hr.department", related="employee_id.department_id", store=True
    )
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    role = fields.Selection(BENEFICIARY_ROLES, required=True, default="referrer")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index="btree_not_null", check_company=True
    )
    invoice_id = fields.Many2one(
        "account.move", string="Invoice", index="btree_not_null", check_company=True
    )
    payment_move_id = fields.Many2one(
        "account.move",
        string="Payment",
        check_company=True,
        help="Journal entry of the payment (or credit note) that triggered this line.",
    )
    base_amount = fields.Monetary(
        currency_field="currency_id",
        help="Collected untaxed amount, margin or event amount the rate applies to.",
    )
    rate = fields.Float(string="Rate (%)", digits=(16, 4))
    tier_label = fields.Char(string="Tier", help="Contract-size tier that applied.")
    multiplier = fields.Float(default=1.0, digits=(16, 4))
    share = fields.Float(string="Share (%)", default=100.0)
    days_late = fields.Integer()
    deduction_pct = fields.Float(string="Late Deduction (%)")
    gross_amount = fields.Monetary(
        currency_field="currency_id", help="Amount before the late-payment deduction."
    )
    amount = fields.Monetary(string="Net Amount", currency_field="currency_id")
    reason = fields.Char(help="Why the line earns nothing, is on hold or void.")
    state = fields.Selection(
        [("on_hold", "On Hold"), ("payable", "Payable"), ("void", "Void")],
        required=True,
        default="payable",
        index=True,
    )
    statement_id = fields.Many2one(
        "asm.statement", string="Statement", index="btree_not_null", ondelete="restrict"
    )
