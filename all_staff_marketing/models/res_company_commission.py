# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ResCompany(models.Model):
    """New companies start with the default late-payment deduction schedule."""

    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        bracket_model = self.env["asm.late.bracket"].sudo()
        bracket_model.create(
            [
                vals
                for company in companies
                for vals in bracket_model._prepare_default_bracket_vals(company)
            ]
        )
        return companies
