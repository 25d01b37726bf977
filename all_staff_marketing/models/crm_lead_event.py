# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CrmLead(models.Model):
    """Event rewards of leads: information that led to a bid the company lost."""

    _inherit = "crm.lead"

    def action_set_lost(self, **additional_values):
        res = super().action_set_lost(**additional_values)
        lost = self.filtered("lost_reason_id")
        if lost:
            # system step: the user marking the lead lost does not write commissions
            self.env["asm.commission.line"].sudo()._create_event_lines(
                "lost", lost.sudo()
            )
        return res
