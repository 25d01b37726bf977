# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .hr_employee import PK_LEVELS

GROUP_MANAGER = "all_staff_marketing.group_manager"
#: What a manager sets on a member of a draft competition's team.
PK_MEMBER_INPUT_FIELDS = ("team_id", "employee_id", "level")

#: Where each competition metric is read: table, employee column, summed value
#: (None: count). Every source has ``company_id``, ``date`` and ``create_date``.
PK_METRIC_SOURCES = {
    "points": ("asm_point_line", "employee_id", "points"),
    "customers": ("asm_customer_owner", "referrer_id", None),
    "collected": ("asm_commission_line", "employee_id", "credited_amount"),
}
PK_METRIC_MODELS = {
    "points": "asm.point.line",
    "customers": "asm.customer.owner",
    "collected": "asm.commission.line",
}


class AsmPkMember(models.Model):
    """A person in a team of a PK competition: level, entry fee and score."""

    _name = "asm.pk.member"
    _inherit = ["asm.guard.mixin"]
    # Allow-list (asm.guard.mixin): managers compose the teams of a draft
    # competition; the fee follows the level, the score the ledgers.
    _asm_create_allow = {GROUP_MANAGER: PK_MEMBER_INPUT_FIELDS}
    _asm_write_allow = {"draft": {GROUP_MANAGER: PK_MEMBER_INPUT_FIELDS}}
    _description = "PK Team Member"
    _order = "team_id, id"
    _check_company_auto = True
    _rec_name = "employee_id"

    team_id = fields.Many2one(
        "asm.pk.team", string="Team", required=True, index=True, ondelete="cascade"
    )
    competition_id = fields.Many2one(
        related="team_id.competition_id", store=True, index=True
    )
    company_id = fields.Many2one(
        related="team_id.competition_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    employee_id = fields.Many2one(
        "hr.employee",
        string="Employee",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users", compute="_compute_user_id", store=True, string="User"
    )
    level = fields.Selection(
        PK_LEVELS,
        compute="_compute_level",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Sets the entry fee; taken from the employee's PK level.",
    )
    fee = fields.Monetary(
        string="Entry Fee",
        currency_field="currency_id",
        compute="_compute_fee",
        store=True,
        help="Entry fee of the member's level, as set on the competition.",
    )
    score = fields.Float(
        compute="_compute_score",
        digits=(16, 2),
        help="What the member recorded in the period, before the end, in the "
        "ledger of the competition's metric.",
    )

    @api.depends("employee_id")
    def _compute_user_id(self):
        # system read: the employee's user identifies the participant's own team
        for member in self:
            member.user_id = member.employee_id.sudo().user_id

    @api.depends("employee_id")
    def _compute_level(self):
        # system read: the level is an HR field; only its value is copied here
        for member in self:
            member.level = member.employee_id.sudo().asm_pk_level or "staff"

    @api.depends(
        "level",
        "competition_id.fee_staff",
        "competition_id.fee_supervisor",
        "competition_id.fee_manager",
        "competition_id.fee_director",
    )
    def _compute_fee(self):
        # a team dialog of a competition not saved yet has no competition: the
        # form sends the fees it shows, for the preview only (once saved, the fee
        # is the competition's, whatever the context)
        preview = self.env.context.get("asm_pk_fees")
        preview = preview if isinstance(preview, dict) else {}
        for member in self:
            level = member.level or "staff"
            if member.competition_id:
                member.fee = member.competition_id[f"fee_{level}"]
            else:
                try:
                    member.fee = float(preview.get(level) or 0.0)
                except (TypeError, ValueError):
                    member.fee = 0.0

    @api.constrains("employee_id", "team_id")
    def _check_one_team(self):
        """A person is in at most one team of a competition."""
        self.flush_model(["employee_id", "competition_id"])
        duplicates = self._read_group(
            [
                ("competition_id", "in", self.competition_id.ids),
                ("employee_id", "in", self.employee_id.ids),
            ],
            ["competition_id", "employee_id"],
            ["team_id:array_agg"],
            having=[("__count", ">", 1)],
        )
        for competition, employee, team_ids in duplicates:
            teams = self.env["asm.pk.team"].browse(sorted(set(team_ids)))
            raise ValidationError(
                self.env._(
                    "%(person)s is in several teams of %(competition)s (%(teams)s): "
                    "a person takes part in one team only.",
                    person=employee.name,
                    competition=competition.name,
                    teams=", ".join(teams.mapped("name")),
                )
            )

    @api.depends(
        "employee_id",
        "competition_id.metric",
        "competition_id.date_start",
        "competition_id.date_end",
        "competition_id.closing_hour",
        "competition_id.tz",
    )
    def _compute_score(self):
        self.score = 0.0
        saved = self.filtered(lambda m: isinstance(m.id, int))
        by_metric = defaultdict(list)
        for member in saved:
            by_metric[member.competition_id.metric].append(member)
        for metric, members in by_metric.items():
            scores = self._read_scores(metric, members)
            for member in members:
                member.score = scores.get(member.id, 0.0)

    @api.model
    def _read_scores(self, metric, members):
        """{member id: score} for ``members`` of competitions of ``metric``.

        One query for all of them: the source ledger's entries of the member's
        employee and company, dated in the period and recorded (``create_date``,
        set by the server, never editable) from the start to the end of the
        competition. Raw SQL on purpose: participants see their team's score, an
        aggregate, not their colleagues' ledger entries.
        """
        table, employee_column, value_column = PK_METRIC_SOURCES[metric]
        self.env[PK_METRIC_MODELS[metric]].flush_model()
        columns = defaultdict(list)
        for member in members:
            competition = member.competition_id
            start, end = competition._get_period_utc()
            columns["member"].append(member.id)
            columns["employee"].append(member.employee_id.id)
            columns["company"].append(competition.company_id.id)
            columns["date_from"].append(competition.date_start)
            columns["date_to"].append(competition.date_end)
            columns["start"].append(start)
            columns["end"].append(end)
        value = (
            SQL("SUM(l.%s)", SQL.identifier(value_column))
            if value_column
            else SQL("COUNT(l.id)")
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT v.member_id, %(value)s
                  FROM unnest(%(member)s::int[], %(employee)s::int[],
                              %(company)s::int[], %(date_from)s::date[],
                              %(date_to)s::date[], %(start)s::timestamp[],
                              %(end)s::timestamp[])
                       AS v(member_id, employee_id, company_id, date_from, date_to,
                            ts_start, ts_end)
                  JOIN %(table)s l
                    ON l.%(employee_column)s = v.employee_id
                   AND l.company_id = v.company_id
                   AND l.date BETWEEN v.date_from AND v.date_to
                   AND l.create_date >= v.ts_start
                   AND l.create_date < v.ts_end
                 GROUP BY v.member_id
                """,
                value=value,
                table=SQL.identifier(table),
                employee_column=SQL.identifier(employee_column),
                **columns,
            )
        )
        return {member_id: score or 0.0 for member_id, score in self.env.cr.fetchall()}

    def _asm_guard_state(self):
        self.ensure_one()
        return self.sudo().competition_id.state

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members.competition_id._check_teams_editable()
        return members

    def write(self, vals):
        # the rights come first: a participant is refused as such
        self.check_access("write")
        self.competition_id._check_teams_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        self.competition_id._check_teams_editable()
