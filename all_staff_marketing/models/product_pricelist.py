# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    asm_employee_price = fields.Boolean(
        string="Employee Price",
        help="Orders on this price list are staff (or friends) purchases at the "
        "employee price: they earn no referral reward. Flagging a price list turns "
        "the Pricelists feature on, so that saving the settings does not archive it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        pricelists = super().create(vals_list)
        pricelists.filtered("asm_employee_price")._asm_enable_pricelist_feature()
        return pricelists

    def write(self, vals):
        res = super().write(vals)
        if vals.get("asm_employee_price"):
            self._asm_enable_pricelist_feature()
        return res

    @api.model
    def _asm_init_pricelist_feature(self):
        """Install/update step: the feature for existing employee price lists."""
        self.sudo().search(
            [("asm_employee_price", "=", True)]
        )._asm_enable_pricelist_feature()

    def _asm_enable_pricelist_feature(self):
        """Give internal users the Pricelists feature an employee price list needs.

        Without it, saving any setting (ours included) archives every price list
        (product's res.config.settings), and the employee price is lost.
        """
        if not self:
            return
        feature = self.env.ref("product.group_product_pricelist")
        internal = self.env.ref("base.group_user")
        if feature not in internal.implied_ids:
            # sudo: the feature belongs to the configuration, not to the user's rights
            internal.sudo()._apply_group(feature)
