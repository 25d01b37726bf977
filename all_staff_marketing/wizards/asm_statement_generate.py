# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.date_utils import end_of, start_of


class AsmStatementGenerate(models.TransientModel):
    """Generate the commission statements of a period for every employee."""

    _name = "asm.statement.generate"
    _description = "Generate Commission Statements"

    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
    )

    @api.model
    def default_get(self, fields_list):
        vals = super().default_get(fields_list)
        last_month = fields.Date.context_today(self) - relativedelta(months=1)
        vals.setdefault("date_from", start_of(last_month, "month"))
        vals.setdefault("date_to", end_of(last_month, "month"))
        return vals

    def action_generate(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(
                self.env._("The period is empty: set 'From' before or equal to 'To'.")
            )
        statements = self.env["asm.statement"]._generate_statements(
            self.date_from, self.date_to, self.company_ids
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_statement_action"
        )
        action["domain"] = [("id", "in", statements.ids)]
        return action
