# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from babel.dates import format_date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import get_lang

from ..models.asm_performance import PERFORMANCE_METRICS
from ..models.asm_ranking import PUBLIC_METRIC_FIELDS, RANKING_PERIODS, period_bounds

#: shipped goal definition of each figure (data/asm_leaderboard_data.xml)
GOAL_DEFINITIONS = {
    metric: f"all_staff_marketing.goal_definition_asm_{metric}"
    for metric, __ in PERFORMANCE_METRICS
}


class AsmRankingChallengeWizard(models.TransientModel):
    """Create a monthly or quarterly ranking as a gamification challenge."""

    _name = "asm.ranking.challenge.wizard"
    _description = "Create Ranking Challenge"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Department",
        check_company=True,
        help="Rank only this department's employees; empty: the whole company.",
    )
    period = fields.Selection(RANKING_PERIODS, required=True, default="month")
    date = fields.Date(
        string="Any Day of the Period",
        required=True,
        default=fields.Date.context_today,
    )
    metric = fields.Selection(
        PERFORMANCE_METRICS, string="Ranked Figure", required=True, default="points"
    )
    target_goal = fields.Float(
        string="Target",
        default=1.0,
        help="Value a participant must reach for the goal to count as reached; the "
        "top 3 are rewarded whatever their value, as long as it is above zero.",
    )
    date_from = fields.Date(compute="_compute_dates")
    date_to = fields.Date(compute="_compute_dates")

    @api.depends("period", "date")
    def _compute_dates(self):
        for wizard in self:
            if wizard.period and wizard.date:
                wizard.date_from, wizard.date_to = period_bounds(
                    wizard.period, wizard.date
                )
            else:
                wizard.date_from = wizard.date_to = False

    def _get_period_label(self):
        self.ensure_one()
        locale = get_lang(self.env).code
        if self.period == "month":
            return format_date(self.date_from, "yyyy-MM", locale=locale)
        quarter = (self.date_from.month - 1) // 3 + 1
        return f"{self.date_from.year} Q{quarter}"

    def _get_user_domain(self):
        """Participants: users of the company's (department's) active employees.

        A list of users fixed when the ranking is created (hr.employee.public: the
        manager needs no HR rights).
        """
        self.ensure_one()
        employee_domain = [("company_id", "=", self.company_id.id)]
        if self.department_id:
            employee_domain.append(("department_id", "=", self.department_id.id))
        users = self.env["hr.employee.public"].search(employee_domain).user_id
        return repr([("id", "in", sorted(users.ids)), ("active", "=", True)])

    def _prepare_challenge_vals(self):
        """Values of the challenge; extend to change visibility, rewards, ..."""
        self.ensure_one()
        definition = self.env.ref(GOAL_DEFINITIONS[self.metric])._asm_for_company(
            self.company_id
        )
        metric_label = dict(self._fields["metric"]._description_selection(self.env))[
            self.metric
        ]
        scope = self.department_id.name or self.company_id.name
        public = self.company_id[PUBLIC_METRIC_FIELDS[self.metric]]
        return {
            "name": self.env._(
                "%(figure)s ranking %(period)s - %(scope)s",
                figure=metric_label,
                period=self._get_period_label(),
                scope=scope,
            ),
            "period": "once",
            "start_date": self.date_from,
            "end_date": self.date_to,
            "user_domain": self._get_user_domain(),
            # a ranking board shows every participant's figure: only for public ones
            "visibility_mode": "ranking" if public else "personal",
            "reward_first_id": self.env.ref("all_staff_marketing.badge_asm_first").id,
            "reward_second_id": self.env.ref("all_staff_marketing.badge_asm_second").id,
            "reward_third_id": self.env.ref("all_staff_marketing.badge_asm_third").id,
            "reward_failure": True,
            "reward_realtime": False,
            "asm_metric": self.metric,
            "asm_company_id": self.company_id.id,
            "asm_department_id": self.department_id.id,
            "line_ids": [
                fields.Command.create(
                    {"definition_id": definition.id, "target_goal": self.target_goal}
                )
            ],
        }

    def action_create(self):
        self.ensure_one()
        if self.target_goal <= 0:
            raise UserError(
                self.env._(
                    "The target must be above zero (it is %(target)s), e.g. 1.",
                    target=self.target_goal,
                )
            )
        challenge = self.env["gamification.challenge"].create(
            self._prepare_challenge_vals()
        )
        if not challenge.user_ids:
            raise UserError(
                self.env._(
                    "Nobody to rank in %(scope)s: its employees have no user.",
                    scope=self.department_id.name or self.company_id.name,
                )
            )
        challenge.action_start()
        # the leaderboard of the same period, from the same figures
        self.env["asm.ranking"]._asm_compute_rankings(
            self.company_id, self.period, self.date
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "gamification.challenge",
            "res_id": challenge.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
