# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AsmCommissionBackapply(models.Model):
    """Log of 'Apply Rules to Past Payments': who, when, from which date, what.

    Rules are not retroactive: a reconciliation is processed once, with the rules of
    that day. Paying past reconciliations under today's rules is this explicit
    manager action; each run leaves one record here, never edited.
    """

    _name = "asm.commission.backapply"
    _description = "Rules Applied to Past Payments"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        string="Payments From",
        required=True,
        readonly=True,
        help="Reconciliations dated on or after this date were considered.",
    )
    user_id = fields.Many2one(
        "res.users", string="Applied By", required=True, readonly=True
    )
    date = fields.Datetime(string="Applied On", required=True, readonly=True)
    partial_count = fields.Integer(
        string="Reconciliations",
        readonly=True,
        help="Reconciliations without any commission line that were processed.",
    )
    line_ids = fields.Many2many(
        "asm.commission.line",
        "asm_commission_backapply_line_rel",
        "backapply_id",
        "line_id",
        string="Lines Created",
        readonly=True,
    )
    line_count = fields.Integer(string="Lines", readonly=True)
    amount_total = fields.Monetary(
        string="Amount", currency_field="currency_id", readonly=True
    )

    @api.depends("company_id", "date_from", "date")
    def _compute_name(self):
        for log in self:
            log.name = self.env._(
                "%(company)s: rules applied from %(date)s",
                company=log.company_id.name,
                date=log.date_from,
            )
