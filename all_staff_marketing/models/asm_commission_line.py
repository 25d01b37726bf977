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
    amount = fields.Monetary(string="Net Amount", currency_field="currency_id")
    state = fields.Selection(
        [("on_hold", "On Hold"), ("payable", "Payable"), ("void", "Void")],
        required=True,
        default="payable",
        index=True,
    )
    statement_id = fields.Many2one(
        "asm.statement", string="Statement", index="btree_not_null", ondelete="restrict"
    )
