# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import fields, models


class AccountMoveLine(models.Model):
    """The cost of a sold line, frozen when its invoice is posted."""

    _inherit = "account.move.line"

    asm_unit_cost = fields.Monetary(
        string="Unit Cost",
        currency_field="company_currency_id",
        copy=False,
        help="Product cost per unit of the line, in company currency, recorded when "
        "the invoice is posted: margins and the 'at or below cost' rule use it, so "
        "later cost changes do not alter earned commissions.",
    )

    def _asm_store_unit_cost(self):
        """Record the current product cost on product lines that have none yet."""
        lines = self.filtered(
            lambda line: line.display_type == "product"
            and line.product_id
            and not line.asm_unit_cost
        )
        by_cost = defaultdict(lambda: self.browse())
        for line in lines:
            product = line.product_id.with_company(line.company_id)
            cost = product.standard_price
            if line.product_uom_id and line.product_uom_id != product.uom_id:
                cost = product.uom_id._compute_price(cost, line.product_uom_id)
            if cost:
                by_cost[line.company_currency_id.round(cost)] |= line
        for cost, cost_lines in by_cost.items():
            cost_lines.write({"asm_unit_cost": cost})
