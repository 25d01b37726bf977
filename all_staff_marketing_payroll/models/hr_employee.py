# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    asm_payroll_warning = fields.Char(
        string="Commission Payroll Warning",
        compute="_compute_asm_payroll_warning",
        groups="all_staff_marketing.group_finance,all_staff_marketing.group_manager",
        help="Approved commission statements of this employee that payroll cannot "
        "pay, and why.",
    )

    def _compute_asm_payroll_warning(self):
        # system read: approved statements waiting for a payslip, one query
        statements = (
            self.env["asm.statement"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", self.ids),
                    ("state", "=", "approved"),
                    ("payslip_id", "=", False),
                ]
            )
        )
        warnings = statements._asm_get_payroll_warnings()
        by_employee = {}
        for statement in statements:
            if statement.id in warnings:
                by_employee.setdefault(statement.employee_id.id, warnings[statement.id])
        for employee in self:
            employee.asm_payroll_warning = by_employee.get(employee.id, False)
