# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.tools import float_compare

GROUP_MANAGER = "all_staff_marketing.group_manager"
#: What a manager sets on a team of a draft competition.
PK_TEAM_INPUT_FIELDS = (
    "name",
    "sequence",
    "competition_id",
    "department_id",
    "member_ids",
)


class AsmPkTeam(models.Model):
    """A team of a PK competition: a department or an ad-hoc set of employees."""

    _name = "asm.pk.team"
    _inherit = ["asm.guard.mixin"]
    _description = "PK Team"
    _order = "competition_id, sequence, id"
    _check_company_auto = True
    # Allow-list (asm.guard.mixin): managers compose the teams of a draft
    # competition; the state is the competition's.
    _asm_create_allow = {GROUP_MANAGER: PK_TEAM_INPUT_FIELDS}
    _asm_write_allow = {"draft": {GROUP_MANAGER: PK_TEAM_INPUT_FIELDS}}

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    competition_id = fields.Many2one(
        "asm.pk.competition",
        string="Competition",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="competition_id.company_id", store=True, index=True
    )
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        help="Optional: on creation the team takes the department's employees as "
        "members; add or remove members freely afterwards.",
    )
    member_ids = fields.One2many("asm.pk.member", "team_id", string="Members")
    member_count = fields.Integer(compute="_compute_member_count")
    score = fields.Float(
        compute="_compute_score",
        digits=(16, 2),
        help="Sum of the members' scores, computed from the ledgers.",
    )
    rank = fields.Integer(
        compute="_compute_rank",
        help="1 for the team(s) with the highest score; teams with the same score "
        "share the rank.",
    )

    @api.depends("member_ids")
    def _compute_member_count(self):
        for team in self:
            team.member_count = len(team.member_ids)

    @api.depends("member_ids.score")
    def _compute_score(self):
        for team in self:
            team.score = sum(team.member_ids.mapped("score"))

    @api.depends("competition_id.team_ids.score")
    def _compute_rank(self):
        for team in self:
            others = team.competition_id.team_ids or team
            team.rank = 1 + len(
                others.filtered(
                    lambda other, team=team: float_compare(
                        other.score, team.score, precision_digits=2
                    )
                    > 0
                )
            )

    @api.onchange("department_id")
    def _onchange_department_id(self):
        if self.department_id and not self.member_ids:
            self.member_ids = [
                Command.create({"employee_id": employee.id})
                for employee in self._get_department_employees(self.department_id)
            ]
            if not self.name:
                self.name = self.department_id.name

    @api.model
    def _get_department_employees(self, department):
        return self.env["hr.employee"].search(
            [("department_id", "=", department.id)], order="name, id"
        )

    def _asm_guard_state(self):
        self.ensure_one()
        return self.sudo().competition_id.state

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("department_id") and not vals.get("member_ids"):
                department = self.env["hr.department"].browse(vals["department_id"])
                vals["member_ids"] = [
                    Command.create({"employee_id": employee.id})
                    for employee in self._get_department_employees(department)
                ]
        teams = super().create(vals_list)
        teams.competition_id._check_teams_editable()
        return teams

    def write(self, vals):
        # the rights come first: a participant is refused as such
        self.check_access("write")
        self.competition_id._check_teams_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        self.competition_id._check_teams_editable()
