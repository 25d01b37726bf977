# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class AsmPointEventWizard(models.TransientModel):
    """An officer records a point event (e.g. a new talent channel) for an employee."""

    _name = "asm.point.event.wizard"
    _description = "Record a Point Event"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    employee_id = fields.Many2one(
        "hr.employee", string="Employee", required=True, check_company=True
    )
    event_type_id = fields.Many2one(
        "asm.point.event.type", string="Event", required=True, check_company=True
    )
    quantity = fields.Integer(
        default=1, help="How many times the event happened (e.g. 3 placements)."
    )
    points = fields.Integer(compute="_compute_points")
    date = fields.Date(required=True, default=fields.Date.context_today)
    lead_id = fields.Many2one("crm.lead", string="Referral", check_company=True)
    note = fields.Text()

    @api.depends("event_type_id", "quantity")
    def _compute_points(self):
        for wizard in self:
            wizard.points = wizard.event_type_id.points * wizard.quantity

    @api.constrains("quantity")
    def _check_quantity(self):
        for wizard in self:
            if wizard.quantity < 1:
                raise ValidationError(
                    self.env._(
                        "Quantity must be at least 1 (got %(quantity)s); record a "
                        "correction as a separate entry.",
                        quantity=wizard.quantity,
                    )
                )

    def _prepare_point_line_vals(self):
        """Values of the ledger entry this wizard records."""
        self.ensure_one()
        name = self.event_type_id.name
        if self.quantity > 1:
            name = f"{name} x {self.quantity}"
        return {
            "name": name,
            "company_id": self.company_id.id,
            "employee_id": self.employee_id.id,
            "event_type_id": self.event_type_id.id,
            "lead_id": self.lead_id.id,
            "kind": "event",
            "points": self.points,
            "date": self.date,
            "note": self.note,
        }

    def _check_can_record(self):
        """An officer records points for someone else, never for themselves."""
        if not self.env.user.has_group("all_staff_marketing.group_officer"):
            raise AccessError(
                self.env._("Only commission officers can record point events.")
            )
        mine = self.filtered(
            lambda wizard: wizard.employee_id.sudo().user_id == self.env.user
        )
        if mine:
            raise UserError(
                self.env._(
                    "You cannot record points for yourself: another officer or a "
                    "manager must record them."
                )
            )

    def action_record(self):
        self._check_can_record()
        # system step: ledger entries are written by the system only
        # (asm.guard.mixin); the officer's rights on them are checked right after
        lines = (
            self.env["asm.point.line"]
            .sudo()
            .create([wizard._prepare_point_line_vals() for wizard in self])
        )
        lines.with_env(self.env).check_access("create")
        lines = lines.with_env(self.env)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_point_line_action"
        )
        action["domain"] = [("id", "in", lines.ids)]
        return action
