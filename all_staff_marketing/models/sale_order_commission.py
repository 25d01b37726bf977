# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleOrder(models.Model):
    """Landmark projects earn an uplift on their commissions (DOMAIN §5)."""

    _inherit = "sale.order"

    asm_landmark = fields.Boolean(
        string="Landmark Project",
        copy=False,
        tracking=True,
        help="Landmark projects (stadiums, metro, ...) earn the rules' landmark "
        "uplift on top of the commission.",
    )

    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        vals["asm_landmark"] = self.asm_landmark
        return vals
