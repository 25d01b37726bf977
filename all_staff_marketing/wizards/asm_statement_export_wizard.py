# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


def _previous_month_start(today):
    return today + relativedelta(months=-1, day=1)


class AsmStatementExportWizard(models.TransientModel):
    """Download a company's statements of a period as XLSX."""

    _name = "asm.statement.export.wizard"
    _description = "Export Commission Statements"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: _previous_month_start(fields.Date.context_today(self)),
        help="Statements whose period ends on or after this date.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: _previous_month_start(fields.Date.context_today(self))
        + relativedelta(day=31),
        help="Statements whose period ends on or before this date.",
    )
    layout = fields.Selection(
        [
            ("summary", "Reward statement: one row per employee statement"),
            ("detail", "Detail: one sheet per employee, every line"),
        ],
        required=True,
        default="summary",
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._(
                        "The period starts on %(date_from)s, after its end on "
                        "%(date_to)s: set 'From' on or before 'To'.",
                        date_from=wizard.date_from,
                        date_to=wizard.date_to,
                    )
                )

    def _get_statements(self):
        self.ensure_one()
        return (
            self.env["asm.statement.xlsx"]
            .with_company(self.company_id)
            ._get_period_statements(self.company_id, self.date_from, self.date_to)
        )

    def action_export(self):
        self.ensure_one()
        if not self._get_statements():
            raise UserError(
                self.env._(
                    "No statement of %(company)s that you may read ends between "
                    "%(date_from)s and %(date_to)s: change the period.",
                    company=self.company_id.name,
                    date_from=self.date_from,
                    date_to=self.date_to,
                )
            )
        query = urlencode(
            {
                "company_id": self.company_id.id,
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
                "layout": self.layout,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/all_staff_marketing/statements/xlsx?{query}",
            "target": "self",
        }
