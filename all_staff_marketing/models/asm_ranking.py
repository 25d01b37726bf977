# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.date_utils import end_of, start_of

from .asm_performance import PERFORMANCE_METRICS

RANKING_PERIODS = [("month", "Month"), ("quarter", "Quarter")]
#: company field saying whether a metric's figures are shown to every participant
PUBLIC_METRIC_FIELDS = {
    "points": "asm_public_points",
    "new_customers": "asm_public_new_customers",
    "collected": "asm_public_collected",
    "commission": "asm_public_commission",
}


def competition_ranks(values):
    """{key: rank} with standard competition ranking ("1224"), best value first.

    Equal values share the best rank of their group; the next rank skips as many
    places as there are tied entries (30, 30, 5, 5, 1, 0 → 1, 1, 3, 3, 5, 6).
    """
    # sums of amounts: compare to the cent, so that 0.1 + 0.2 ties with 0.3
    ordered = sorted(values.items(), key=lambda item: -round(item[1], 2))
    ranks = {}
    previous = None
    for position, (key, value) in enumerate(ordered, start=1):
        if previous is None or round(value, 2) != previous[1]:
            previous = (position, round(value, 2))
        ranks[key] = previous[0]
    return ranks


def top_cut(population, top_pct):
    """Number of places flagged as top: population x percentage, rounded down.

    10 employees at 20 % → 2; 6 → 1; 4 → 0. Rounding down keeps the flagged share
    within the percentage (a bonus budget); ties at the cut are all flagged.
    """
    return math.floor(population * top_pct / 100.0 + 1e-9)


def period_bounds(period, day):
    """(first day, last day) of the month or quarter containing ``day``."""
    return start_of(day, period), end_of(day, period)


class AsmRanking(models.Model):
    """A frozen ranking row: one employee's rank for one metric in one period.

    Computed from the same facts as the gamification goals (``asm.performance``) by
    ``_asm_compute_rankings``; recomputing a period from the same data gives the same
    rows. Company rankings have no department; department rankings do.
    """

    _name = "asm.ranking"
    _description = "Ranking"
    _order = "date_from desc, metric, department_id, rank, employee_name, id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    period = fields.Selection(RANKING_PERIODS, required=True)
    date_from = fields.Date(string="From", required=True, index=True)
    date_to = fields.Date(string="To", required=True)
    metric = fields.Selection(PERFORMANCE_METRICS, required=True)
    department_id = fields.Many2one(
        "hr.department",
        string="Department",
        index="btree_not_null",
        help="Empty for the company ranking.",
    )
    scope = fields.Selection(
        [("company", "Company"), ("department", "Department")],
        compute="_compute_scope",
        store=True,
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, ondelete="cascade", check_company=True
    )
    employee_name = fields.Char(related="employee_id.name", store=True, string="Name")
    user_id = fields.Many2one("res.users", string="User", readonly=True)
    rank = fields.Integer(required=True)
    value = fields.Float(
        groups="all_staff_marketing.group_manager",
        help="The figure ranked. Participants read it through 'Figure' when the "
        "company makes this metric public, or for their own rows.",
    )
    is_top = fields.Boolean(
        string="Top",
        help="In the top percentage of the period (company setting, 20 % by "
        "default): rank within the population x percentage, rounded down; ties "
        "at the cut are all in; a zero figure never is.",
    )
    population = fields.Integer(help="Number of employees ranked.")
    public_value = fields.Float(
        string="Figure",
        compute="_compute_public_value",
        help="The figure when the company makes it public, or for your own rows; "
        "empty otherwise.",
    )
    value_visible = fields.Boolean(compute="_compute_public_value")

    @api.depends("department_id")
    def _compute_scope(self):
        for row in self:
            row.scope = "department" if row.department_id else "company"

    @api.depends("metric", "company_id", "user_id")
    @api.depends_context("uid")
    def _compute_public_value(self):
        is_manager = self.env.user.has_group("all_staff_marketing.group_manager")
        values = {row.id: row.value for row in self.sudo()}
        for row in self:
            visible = (
                is_manager
                or row.user_id == self.env.user
                or row.company_id[PUBLIC_METRIC_FIELDS[row.metric]]
            )
            row.value_visible = bool(visible)
            row.public_value = values.get(row.id, 0.0) if visible else 0.0

    @api.model
    def _asm_compute_rankings(self, companies, period, day):
        """Recompute the rankings of these companies for the period holding ``day``.

        Replaces the period's rows: the same facts always give the same rows.
        """
        date_from, date_to = period_bounds(period, day)
        Performance = self.env["asm.performance"]
        facts = Performance._read_group(
            [
                ("company_id", "in", companies.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            ["company_id", "employee_id", "metric"],
            ["value:sum"],
        )
        figures = {
            (company.id, employee.id, metric): value
            for company, employee, metric, value in facts
        }
        # public projection: a manager needs no HR rights to rank the staff
        Employee = self.env["hr.employee.public"]
        employees = Employee.search([("company_id", "in", companies.ids)])
        by_company = defaultdict(lambda: Employee)
        for employee in employees:
            by_company[employee.company_id] |= employee
        self.search(
            [
                ("company_id", "in", companies.ids),
                ("period", "=", period),
                ("date_from", "=", date_from),
            ]
        ).unlink()
        vals_list = []
        for company in companies:
            staff = by_company[company]
            groups = [(False, staff)]
            by_department = defaultdict(lambda: Employee)
            for employee in staff.filtered("department_id"):
                by_department[employee.department_id] |= employee
            groups += sorted(by_department.items(), key=lambda item: item[0].id)
            for metric, __ in PERFORMANCE_METRICS:
                for department, members in groups:
                    vals_list += self._prepare_ranking_vals(
                        company, members, metric, figures, department
                    )
        for vals in vals_list:
            vals.update(period=period, date_from=date_from, date_to=date_to)
        return self.create(vals_list)

    @api.model
    def _prepare_ranking_vals(self, company, members, metric, figures, department):
        """Ranking rows of one group of employees for one metric."""
        values = {
            employee: figures.get((company.id, employee.id, metric), 0.0)
            for employee in members
        }
        ranks = competition_ranks(values)
        cut = top_cut(len(members), company.asm_ranking_top_pct)
        return [
            {
                "company_id": company.id,
                "metric": metric,
                "department_id": department.id if department else False,
                "employee_id": employee.id,
                "user_id": employee.user_id.id,
                "rank": ranks[employee],
                "value": value,
                "is_top": ranks[employee] <= cut and value > 0,
                "population": len(members),
            }
            for employee, value in values.items()
        ]

    def action_asm_recompute(self):
        """Button: recompute the current month and quarter of the user's companies."""
        if not self.env.user.has_group("all_staff_marketing.group_manager"):
            raise AccessError(
                self.env._("Only All-Staff Marketing managers recompute rankings.")
            )
        today = fields.Date.context_today(self)
        for period, __ in RANKING_PERIODS:
            self._asm_compute_rankings(self.env.companies, period, today)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _cron_asm_rankings(self):
        """Nightly: this and last month and quarter of every company."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([])
        for period, __ in RANKING_PERIODS:
            previous = fields.Date.subtract(start_of(today, period), days=1)
            for day in (previous, today):
                self._asm_compute_rankings(companies, period, day)
