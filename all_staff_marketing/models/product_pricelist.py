# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.osv import expression


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    asm_employee_price = fields.Boolean(
        string="Employee Price",
        help="Orders on this price list are staff (or friends) purchases at the "
        "employee price: they earn no referral reward. It is never a customer's "
        "default price list: it applies only where chosen on the customer or the "
        "order. Flagging a price list turns the Pricelists feature on, so that "
        "saving the settings does not archive it.",
    )

    def _get_partner_pricelist_multi_search_domain_hook(self, company_id):
        """An employee price list is never a customer's default price list.

        Odoo gives a customer without a price list the first active one of the
        company: were it the employee price, every new quotation would earn no
        reward. It applies only where someone chose it (on the customer or the
        order), and the order says so ("No Reward").
        """
        return expression.AND(
            [
                super()._get_partner_pricelist_multi_search_domain_hook(company_id),
                [("asm_employee_price", "=", False)],
            ]
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
