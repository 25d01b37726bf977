# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A reconciliation may pay or refund a referred customer's first invoice."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["loyalty.card"]._asm_sync_referral_coupons(
            partials.debit_move_id.move_id | partials.credit_move_id.move_id
        )
        return partials
