# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AsmPointEventType(models.Model):
    """An event worth points besides lead grades (e.g. a new talent channel)."""

    _name = "asm.point.event.type"
    _description = "Point Event Type"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to use this event in every company.",
    )
    points = fields.Integer(required=True, help="Points earned per occurrence.")
    description = fields.Text(translate=True, help="When the event counts.")

    @api.constrains("points")
    def _check_points(self):
        for event_type in self:
            if event_type.points < 0:
                raise ValidationError(
                    self.env._(
                        "Point event %(name)s: points cannot be negative "
                        "(%(points)s).",
                        name=event_type.name,
                        points=event_type.points,
                    )
                )
