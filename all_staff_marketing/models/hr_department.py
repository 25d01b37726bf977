# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrDepartment(models.Model):
    """Business departments have a monthly quota per employee (DOMAIN §1, §5)."""

    _inherit = "hr.department"

    asm_business = fields.Boolean(
        string="Business Department",
        help="Its staff earn commissions only once their monthly quota is met; their "
        "lines stay on hold until then.",
    )
    asm_currency_id = fields.Many2one(
        "res.currency", compute="_compute_asm_currency_id", string="Quota Currency"
    )
    asm_monthly_quota = fields.Monetary(
        string="Monthly Quota per Employee",
        currency_field="asm_currency_id",
        help="Collected amount each employee must be credited with in a month before "
        "their commissions of that month become payable.",
    )

    @api.depends("company_id")
    def _compute_asm_currency_id(self):
        for department in self:
            department.asm_currency_id = (
                department.company_id or self.env.company
            ).currency_id

    @api.constrains("asm_monthly_quota")
    def _check_asm_monthly_quota(self):
        for department in self:
            if department.asm_monthly_quota < 0:
                raise ValidationError(
                    self.env._(
                        "Department %(name)s: the Monthly Quota per Employee cannot be "
                        "negative.",
                        name=department.name,
                    )
                )
