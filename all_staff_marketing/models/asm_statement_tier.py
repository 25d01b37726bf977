# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AsmStatement(models.Model):
    """Statements are approved tier by tier before they can be paid."""

    _name = "asm.statement"
    _inherit = ["asm.statement", "asm.approval.mixin"]
