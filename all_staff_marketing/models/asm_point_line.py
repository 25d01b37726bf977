# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

POINT_KINDS = [
    ("grade", "Grade Reached"),
    ("reversal", "Grade Reversed"),
    ("event", "Point Event"),
]
# What a ledger line says; once written it never changes (reversals are new lines).
LEDGER_FIELDS = {
    "employee_id",
    "lead_id",
    "grade_id",
    "event_type_id",
    "kind",
    "points",
    "date",
    "company_id",
}


class AsmPointLine(models.Model):
    """Points ledger: one signed entry per grade reached, reversed or point event.

    Append-only: an entry is never edited nor deleted; a correction is a new entry
    with the opposite sign, so the balance is always the sum of the ledger.
    """

    _name = "asm.point.line"
    _inherit = ["asm.guard.mixin"]
    _description = "Points Ledger Entry"
    _order = "date desc, id desc"
    _check_company_auto = True
    # Allow-list (asm.guard.mixin): entries come from the system only (grades
    # reached, the point-event wizard for someone else); nobody writes one.
    _asm_create_allow = {}
    _asm_write_allow = {}
    _asm_system_fields = (*sorted(LEDGER_FIELDS), "name", "note")

    name = fields.Char(string="Description", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Employee",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    department_id = fields.Many2one(
        "hr.department", related="employee_id.department_id", store=True
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Referral",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    grade_id = fields.Many2one(
        "asm.lead.grade", string="Grade", ondelete="restrict", check_company=True
    )
    event_type_id = fields.Many2one(
        "asm.point.event.type",
        string="Point Event",
        ondelete="restrict",
        check_company=True,
    )
    kind = fields.Selection(POINT_KINDS, required=True, default="event")
    points = fields.Integer(required=True)
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    note = fields.Text()

    @api.model
    def _asm_get_guard_hint(self):
        return self.env._(
            "points come from the grades a referral reaches and from the Record a "
            "Point Event button (for someone else); a correction is a new entry"
        )

    def write(self, vals):
        frozen = LEDGER_FIELDS.intersection(vals)
        if frozen:
            raise UserError(
                self.env._(
                    "Points ledger entries cannot be changed (%(fields)s). Record a "
                    "correcting entry with the opposite points instead.",
                    fields=", ".join(
                        self._fields[name].string for name in sorted(frozen)
                    ),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "Points ledger entries cannot be deleted. Record a correcting entry "
                "with the opposite points instead."
            )
        )
