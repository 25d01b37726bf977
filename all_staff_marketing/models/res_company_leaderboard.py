# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Leaderboard settings: the top percentage and which figures are public."""

    _inherit = "res.company"

    asm_ranking_top_pct = fields.Float(
        string="Top Performers (%)",
        default=20.0,
        help="Share of the employees flagged as top performers in each monthly and "
        "quarterly ranking (DOMAIN: the top 20 % get a yearly bonus). The number "
        "of places is the ranked employees x this percentage, rounded down.",
    )
    asm_public_points = fields.Boolean(
        string="Points Are Public",
        default=True,
        help="Every participant sees everyone's points on the leaderboards.",
    )
    asm_public_new_customers = fields.Boolean(
        string="New Customers Are Public",
        default=True,
        help="Every participant sees everyone's number of new customers.",
    )
    asm_public_collected = fields.Boolean(
        string="Collected Amounts Are Public",
        help="Every participant sees everyone's collected amount; otherwise only "
        "names and ranks.",
    )
    asm_public_commission = fields.Boolean(
        string="Commissions Are Public",
        help="Every participant sees everyone's commission; otherwise only names "
        "and ranks.",
    )

    @api.constrains("asm_ranking_top_pct")
    def _check_asm_ranking_top_pct(self):
        for company in self:
            if not 0 <= company.asm_ranking_top_pct <= 100:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the top performers' share must be between 0 "
                        "and 100 %% (it is %(pct)s %%), e.g. 20.",
                        company=company.name,
                        pct=company.asm_ranking_top_pct,
                    )
                )
