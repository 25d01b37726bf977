# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    asm_ranking_top_pct = fields.Float(
        related="company_id.asm_ranking_top_pct", readonly=False
    )
    asm_public_points = fields.Boolean(
        related="company_id.asm_public_points", readonly=False
    )
    asm_public_new_customers = fields.Boolean(
        related="company_id.asm_public_new_customers", readonly=False
    )
    asm_public_collected = fields.Boolean(
        related="company_id.asm_public_collected", readonly=False
    )
    asm_public_commission = fields.Boolean(
        related="company_id.asm_public_commission", readonly=False
    )
