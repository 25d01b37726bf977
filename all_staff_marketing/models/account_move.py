# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "asm.attribution.mixin"]

    def _reverse_moves(self, default_values_list=None, cancel=False):
        """Credit notes carry the attribution of the invoice they reverse."""
        if not default_values_list:
            default_values_list = [{} for __ in self]
        for move, defaults in zip(self, default_values_list, strict=True):
            if move.referrer_id or move.referral_excluded:
                for fname, value in move._prepare_attribution_vals().items():
                    defaults.setdefault(fname, value)
        return super()._reverse_moves(default_values_list, cancel=cancel)
