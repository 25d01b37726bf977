# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    asm_employee_price = fields.Boolean(
        string="Employee Price",
        help="Orders on this price list are staff (or friends) purchases at the "
        "employee price: they earn no referral reward.",
    )
