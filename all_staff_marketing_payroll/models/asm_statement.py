# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AsmStatement(models.Model):
    _inherit = "asm.statement"

    payslip_id = fields.Many2one(
        "hr.payslip",
        string="Payslip",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        help="Payslip that pays (or, before it is confirmed, will pay) this "
        "approved statement. Set when the payslip is computed.",
    )

    @api.model
    def _get_after_validation_exceptions(self):
        return [*super()._get_after_validation_exceptions(), "payslip_id"]

    def _release_from_payslip(self):
        """Unlink from a cancelled or reset payslip; a paid statement is due again."""
        paid = self.filtered(lambda statement: statement.state == "paid")
        paid.write({"state": "approved", "payslip_id": False})
        (self - paid).write({"payslip_id": False})
