# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AsmCommissionMultiplier(models.Model):
    """Factor on a beneficiary's commission by department and/or job (DOMAIN §5).

    E.g. ordinary staff 2.5 (no department, no job), marketing department 2.0,
    managers 1.5. The first line by sequence that matches the employee wins; rules use
    it only when "Apply Role Multiplier" is ticked.
    """

    _name = "asm.commission.multiplier"
    _description = "Commission Multiplier"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="The first matching line wins.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        help="Employees of this department or its sub-departments; empty = any.",
    )
    job_id = fields.Many2one(
        "hr.job", string="Job Position", check_company=True, help="Empty = any job."
    )
    factor = fields.Float(required=True, default=1.0, digits=(16, 4))

    @api.constrains("factor")
    def _check_factor(self):
        for line in self:
            if line.factor <= 0:
                raise ValidationError(
                    self.env._(
                        "Multiplier %(name)s: the Factor must be above 0 (it is "
                        "%(factor)s). Archive the line instead of setting 0.",
                        name=line.name,
                        factor=line.factor,
                    )
                )

    @api.model
    def _get_factors(self, employees):
        """Factor of each employee, as {employee id: factor} (1.0 when none matches)."""
        lines = self.search(
            [("company_id", "in", employees.company_id.ids)], order="sequence, id"
        )
        compiled = [
            (line.company_id.id, line.department_id.parent_path, line.job_id.id, line)
            for line in lines
        ]
        factors = {}
        for employee in employees:
            factors[employee.id] = 1.0
            path = employee.department_id.parent_path or ""
            for company_id, dept_path, job_id, line in compiled:
                if company_id != employee.company_id.id:
                    continue
                if dept_path and not path.startswith(dept_path):
                    continue
                if job_id and job_id != employee.job_id.id:
                    continue
                factors[employee.id] = line.factor
                break
        return factors
