# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

GRADE_CODES = [("C", "C"), ("B", "B"), ("A", "A")]


class AsmLeadGrade(models.Model):
    """A lead grade (C/B/A) of a company and the points its referrer earns."""

    _name = "asm.lead.grade"
    _description = "Lead Grade"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(GRADE_CODES, required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    sequence = fields.Integer(
        default=10,
        help="Order of the grades: reaching a grade also counts every grade with a "
        "lower sequence.",
    )
    points = fields.Integer(
        required=True, help="Points the referrer earns when a lead reaches it."
    )
    description = fields.Text(translate=True, help="When a lead reaches this grade.")
    color = fields.Integer()
    stage_mapping_ids = fields.One2many(
        "asm.stage.grade", "grade_id", string="CRM Stages"
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "Each grade code can be used once per company.",
        )
    ]

    @api.constrains("points")
    def _check_points(self):
        for grade in self:
            if grade.points < 0:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s: points cannot be negative (%(points)s).",
                        grade=grade.display_name,
                        points=grade.points,
                    )
                )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = grade.name or grade.code
