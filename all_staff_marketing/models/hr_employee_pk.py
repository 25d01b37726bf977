# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

#: Levels that set the entry fee of a PK competition (DOMAIN §8).
PK_LEVELS = [
    ("staff", "Staff"),
    ("supervisor", "Supervisor"),
    ("manager", "Manager"),
    ("director", "Director"),
]


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    # hr.employee fields missing from hr.employee.public need groups (see hr)
    asm_pk_level = fields.Selection(
        PK_LEVELS,
        string="PK Level",
        default="staff",
        groups="hr.group_hr_user",
        help="Level of the employee in team competitions (PK): it sets the entry "
        "fee the employee pays, as configured on each competition.",
    )
