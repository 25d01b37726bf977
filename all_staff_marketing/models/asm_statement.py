# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

FROZEN_STATES = ("approved", "paid")


class AsmStatement(models.Model):
    """A person's reward statement for a period: draft, confirmed, approved, paid."""

    _name = "asm.statement"
    _description = "Commission Statement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, default="/", copy=False, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, tracking=True, check_company=True
    )
    department_id = fields.Many2one(
        "hr.department", related="employee_id.department_id", store=True
    )
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("approved", "Approved"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    line_ids = fields.One2many("asm.commission.line", "statement_id", string="Lines")
    line_count = fields.Integer(compute="_compute_amount_total", store=True)
    amount_total = fields.Monetary(
        compute="_compute_amount_total", store=True, currency_field="currency_id"
    )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for statement in self:
            statement.amount_total = sum(statement.line_ids.mapped("amount"))
            statement.line_count = len(statement.line_ids)

    def action_confirm(self):
        self._check_state("draft")
        self.write({"state": "confirmed"})

    def action_approve(self):
        self._check_state("confirmed")
        self.write({"state": "approved"})

    def action_mark_paid(self):
        self._check_state("approved")
        self.write({"state": "paid"})

    def action_cancel(self):
        self._check_state("draft", "confirmed")
        self.write({"state": "cancel"})

    def action_draft(self):
        self._check_state("confirmed", "cancel")
        self.write({"state": "draft"})

    def _check_state(self, *states):
        wrong = self.filtered(lambda s: s.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Statement %(name)s is %(state)s; this action needs it to be "
                    "%(wanted)s.",
                    name=wrong[0].display_name,
                    state=labels[wrong[0].state],
                    wanted=" / ".join(labels[s] for s in states),
                )
            )
