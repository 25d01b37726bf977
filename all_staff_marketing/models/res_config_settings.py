# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    group_asm_all_participants = fields.Boolean(
        string="Every employee is a participant",
        implied_group="all_staff_marketing.group_participant",
        help="Every internal user becomes an All-Staff Marketing participant and can "
        "register referrals.",
    )
