# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import models

from .loyalty_card import PAID_STATES


class AccountMove(models.Model):
    _inherit = "account.move"

    def _asm_get_refunded_invoices(self):
        """These customer invoices that are fully reversed or credited and refunded."""
        refunded = self.filtered(lambda m: m.payment_state == "reversed")
        credit_notes = self.search_fetch(
            [
                ("reversed_entry_id", "in", (self - refunded).ids),
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
                ("payment_state", "in", (*PAID_STATES, "reversed")),
            ],
            ["reversed_entry_id", "amount_total"],
        )
        credited = defaultdict(float)
        for note in credit_notes:
            credited[note.reversed_entry_id.id] += note.amount_total
        return refunded | (self - refunded).filtered(
            lambda m: m.currency_id.compare_amounts(credited[m.id], m.amount_total) >= 0
        )

    def _asm_get_first_invoice_ids(self):
        """{(commercial partner id, company id): id of its first posted invoice}."""
        groups = self._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ],
            ["commercial_partner_id", "company_id"],
            ["id:min"],
        )
        return {
            (partner.id, company.id): first_id for partner, company, first_id in groups
        }
