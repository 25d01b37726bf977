"""Leaderboards: rankings, top 20 %, top 3 badges, public figures (DOMAIN §10).

Six employees of a company of their own reach lead grades in March 2026: A, A, B, B,
C and nothing, i.e. 30, 30, 5, 5, 1 and 0 points (DOMAIN §3: A=30, B=5, C=1).
"""

from datetime import date

from odoo import Command, fields
from odoo.addons.all_staff_marketing.models.asm_ranking import (
    competition_ranks,
    top_cut,
)
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import AsmCase

PARTICIPANT = "base.group_user,all_staff_marketing.group_participant"
MANAGER = "base.group_user,all_staff_marketing.group_manager"
MARCH = date(2026, 3, 10)


class TestLeaderboard(AsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lb_company = cls.env["res.company"].create({"name": "Leaderboard Co"})
        Department = cls.env["hr.department"]
        cls.sales = Department.create(
            {"name": "LB Sales", "company_id": cls.lb_company.id}
        )
        cls.ops = Department.create({"name": "LB Ops", "company_id": cls.lb_company.id})
        cls.users, cls.employees = [], []
        # name, department, grades reached in March
        staff = [
            ("Ann", cls.sales, "A"),
            ("Ben", cls.ops, "A"),
            ("Cid", cls.sales, "B"),
            ("Dee", cls.ops, "B"),
            ("Eve", cls.sales, "C"),
            ("Fay", cls.ops, None),
        ]
        for name, department, grade in staff:
            user = cls._new_user(
                f"asm_lb_{name.lower()}",
                PARTICIPANT,
                name=name,
                company_id=cls.lb_company.id,
                company_ids=[Command.set(cls.lb_company.ids)],
            )
            employee = cls.env["hr.employee"].create(
                {
                    "name": name,
                    "user_id": user.id,
                    "company_id": cls.lb_company.id,
                    "department_id": department.id,
                }
            )
            cls.users.append(user)
            cls.employees.append(employee)
            if grade:
                cls._points(employee, grade, MARCH)
        # outside March: April counts for April only
        cls._points(cls.employees[0], "B", date(2026, 4, 2))
        cls.manager = cls._new_user(
            "asm_lb_manager",
            MANAGER,
            name="Mia Manager",
            company_id=cls.lb_company.id,
            company_ids=[Command.set(cls.lb_company.ids)],
        )
        # a commission (not public by default) for Ann in March
        cls.env["asm.commission.line"].create(
            {
                "name": "March adjustment",
                "company_id": cls.lb_company.id,
                "employee_id": cls.employees[0].id,
                "date": MARCH,
                "amount": 300.0,
                "credited_amount": 30_000.0,
                "state": "payable",
                "reason": "test",
            }
        )

    @classmethod
    def _points(cls, employee, code, day):
        grade = cls.env["asm.lead.grade"].search(
            [("company_id", "=", employee.company_id.id), ("code", "=", code)]
        )
        return cls.env["asm.point.line"].create(
            {
                "name": f"Grade {code}",
                "company_id": employee.company_id.id,
                "employee_id": employee.id,
                "grade_id": grade.id,
                "kind": "grade",
                "points": grade.points,
                "date": day,
            }
        )

    def _rankings(
        self, metric="points", department=False, period="month", company=None
    ):
        start = date(2026, 3, 1) if period == "month" else date(2026, 1, 1)
        rows = self.env["asm.ranking"].search(
            [
                ("company_id", "=", (company or self.lb_company).id),
                ("period", "=", period),
                ("date_from", "=", start),
                ("metric", "=", metric),
                ("department_id", "=", department.id if department else False),
            ]
        )
        return {row.employee_id: row for row in rows}

    # --- pure rules ------------------------------------------------------------
    def test_rank_and_cut_rules(self):
        self.assertEqual(
            competition_ranks({"a": 30, "b": 30, "c": 5, "d": 5, "e": 1, "f": 0}),
            {"a": 1, "b": 1, "c": 3, "d": 3, "e": 5, "f": 6},
        )
        # amounts tie to the cent
        self.assertEqual(
            competition_ranks({"a": 0.1 + 0.2, "b": 0.3}), {"a": 1, "b": 1}
        )
        # population x 20 %, rounded down
        self.assertEqual(top_cut(10, 20), 2)
        self.assertEqual(top_cut(6, 20), 1)
        self.assertEqual(top_cut(4, 20), 0)
        self.assertEqual(top_cut(10, 25), 2)
        self.assertEqual(top_cut(5, 20), 1)

    # --- snapshot rankings -------------------------------------------------------
    def test_monthly_company_and_department_ranks(self):
        Ranking = self.env["asm.ranking"].with_user(self.manager)
        Ranking._asm_compute_rankings(self.lb_company, "month", MARCH)
        ann, ben, cid, dee, eve, fay = self.employees
        rows = self._rankings()
        self.assertEqual(
            {emp: (row.rank, row.value) for emp, row in rows.items()},
            {
                ann: (1, 30.0),
                ben: (1, 30.0),
                cid: (3, 5.0),
                dee: (3, 5.0),
                eve: (5, 1.0),
                fay: (6, 0.0),
            },
        )
        # 6 x 20 % = 1.2 → 1 place; Ann and Ben tie at the cut: both are in
        self.assertEqual({emp for emp, row in rows.items() if row.is_top}, {ann, ben})
        self.assertEqual({row.population for row in rows.values()}, {6})
        # department rankings: Sales = Ann 30, Cid 5, Eve 1; Ops = Ben 30, Dee 5, Fay 0
        sales = self._rankings(department=self.sales)
        self.assertEqual(
            {e: r.rank for e, r in sales.items()}, {ann: 1, cid: 2, eve: 3}
        )
        ops = self._rankings(department=self.ops)
        self.assertEqual({e: r.rank for e, r in ops.items()}, {ben: 1, dee: 2, fay: 3})
        # 3 x 20 % = 0.6 → 0 places in a department of 3
        self.assertFalse(any(r.is_top for r in [*sales.values(), *ops.values()]))
        # quarterly (Q1): the April points are outside; commission: Ann 300 alone
        Ranking._asm_compute_rankings(self.lb_company, "quarter", MARCH)
        commission = self._rankings("commission", period="quarter")
        self.assertEqual(commission[ann].rank, 1)
        self.assertEqual(commission[ann].value, 300.0)
        self.assertEqual({commission[e].rank for e in (ben, cid, dee, eve, fay)}, {2})
        collected = self._rankings("collected", period="quarter")
        self.assertEqual(collected[ann].value, 30_000.0)
        # reproducible: recomputing March gives the same rows
        before = {(e.id, r.rank, r.value, r.is_top) for e, r in rows.items()}
        Ranking._asm_compute_rankings(self.lb_company, "month", MARCH)
        after = {(e.id, r.rank, r.value, r.is_top) for e, r in self._rankings().items()}
        self.assertEqual(before, after)

    def test_top_20_percent_of_ten(self):
        company = self.env["res.company"].create({"name": "Ten Co"})
        employees = self.env["hr.employee"].create(
            [{"name": f"Ten {i}", "company_id": company.id} for i in range(10)]
        )
        # 10 distinct figures: employee i has i+1 C grades (1..10 points)
        for index, employee in enumerate(employees):
            for __ in range(index + 1):
                self._points(employee, "C", MARCH)
        self.env["asm.ranking"]._asm_compute_rankings(company, "month", MARCH)
        rows = self._rankings(company=company)
        self.assertEqual(len(rows), 10)
        # 10 x 20 % = 2: the 10 and the 9
        self.assertEqual(
            {e for e, r in rows.items() if r.is_top}, set(employees[8] | employees[9])
        )
        self.assertEqual(rows[employees[9]].rank, 1)
        self.assertEqual(rows[employees[0]].rank, 10)
        company.asm_ranking_top_pct = 30.0
        self.env["asm.ranking"]._asm_compute_rankings(company, "month", MARCH)
        rows = self._rankings(company=company)
        self.assertEqual(sum(r.is_top for r in rows.values()), 3)
        with self.assertRaises(ValidationError):
            company.asm_ranking_top_pct = 120.0

    # --- public figures ----------------------------------------------------------
    def test_participant_sees_public_figures_only(self):
        self.env["asm.ranking"]._asm_compute_rankings(self.lb_company, "month", MARCH)
        ann_row = self._rankings()[self.employees[0]]
        ann_commission = self._rankings("commission")[self.employees[0]]
        eve_commission = self._rankings("commission")[self.employees[4]]
        eve = self.users[4]
        self.env.invalidate_all()
        # points are public by default: Eve reads Ann's 30 points and rank
        as_eve = ann_row.with_user(eve)
        self.assertEqual(as_eve.public_value, 30.0)
        self.assertEqual(as_eve.rank, 1)
        self.assertEqual(as_eve.employee_name, "Ann")
        # commissions are not: rank yes, figure no
        other = ann_commission.with_user(eve)
        self.assertEqual(other.rank, 1)
        self.assertFalse(other.value_visible)
        self.assertEqual(other.public_value, 0.0)
        with self.assertRaises(AccessError):
            other.read(["value"])
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            other.value  # noqa: B018
        # her own commission figure is hers to see
        self.assertTrue(eve_commission.with_user(eve).value_visible)
        # and the raw facts: only her own
        facts = self.env["asm.performance"].with_user(eve).search([])
        self.assertEqual(facts.employee_id, self.employees[4])
        self.assertEqual(sum(facts.mapped("value")), 1.0)
        # the company makes commissions public: now Eve reads Ann's 300
        self.lb_company.asm_public_commission = True
        self.env.invalidate_all()
        self.assertEqual(ann_commission.with_user(eve).public_value, 300.0)

    # --- gamification ---------------------------------------------------------------
    def test_challenge_goals_and_top3_badges(self):
        wizard = (
            self.env["asm.ranking.challenge.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "company_id": self.lb_company.id,
                    "period": "month",
                    "date": MARCH,
                    "metric": "points",
                }
            )
        )
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (date(2026, 3, 1), date(2026, 3, 31))
        )
        action = wizard.action_create()
        challenge = self.env["gamification.challenge"].browse(action["res_id"])
        self.assertEqual(challenge.state, "inprogress")
        self.assertEqual(challenge.user_ids, self.env["res.users"].concat(*self.users))
        self.assertEqual(challenge.visibility_mode, "ranking")  # points are public
        goals = self.env["gamification.goal"].search(
            [("challenge_id", "=", challenge.id)]
        )
        current = {goal.user_id: goal.current for goal in goals}
        ann = self.employees[0]
        ledger = sum(
            self.env["asm.point.line"]
            .search(
                [
                    ("employee_id", "=", ann.id),
                    ("date", ">=", date(2026, 3, 1)),
                    ("date", "<=", date(2026, 3, 31)),
                ]
            )
            .mapped("points")
        )
        self.assertEqual(ledger, 30)  # the April B (5) is outside March
        self.assertEqual(current[self.users[0]], ledger)
        self.assertEqual(
            [current[user] for user in self.users], [30.0, 30.0, 5.0, 5.0, 1.0, 0.0]
        )
        # the definition counts this company's figures only
        self.assertEqual(
            challenge.line_ids.definition_id.asm_company_id, self.lb_company
        )
        self.assertTrue(challenge.line_ids.definition_id.batch_mode)

        challenge.with_user(self.manager).write({"state": "done"})
        first = self.env.ref("all_staff_marketing.badge_asm_first")
        second = self.env.ref("all_staff_marketing.badge_asm_second")
        third = self.env.ref("all_staff_marketing.badge_asm_third")
        granted = self.env["gamification.badge.user"].search(
            [("challenge_id", "=", challenge.id)]
        )
        by_badge = {
            badge: set(
                granted.filtered(lambda b, badge=badge: b.badge_id == badge).user_id
            )
            for badge in (first, second, third)
        }
        # ties share the rank: Ann and Ben 1st, nobody 2nd, Cid and Dee 3rd
        self.assertEqual(by_badge[first], {self.users[0], self.users[1]})
        self.assertEqual(by_badge[second], set())
        self.assertEqual(by_badge[third], {self.users[2], self.users[3]})
        # closing again grants nothing more
        challenge._check_challenge_reward(force=True)
        self.assertEqual(
            self.env["gamification.badge.user"].search_count(
                [("challenge_id", "=", challenge.id)]
            ),
            4,
        )

    def test_private_figure_challenge_is_personal(self):
        wizard = (
            self.env["asm.ranking.challenge.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "company_id": self.lb_company.id,
                    "period": "quarter",
                    "date": MARCH,
                    "metric": "commission",
                }
            )
        )
        challenge = self.env["gamification.challenge"].browse(
            wizard.action_create()["res_id"]
        )
        # commissions are not public: no board showing everyone's figure
        self.assertEqual(challenge.visibility_mode, "personal")
        self.assertEqual(
            (challenge.start_date, challenge.end_date),
            (date(2026, 1, 1), date(2026, 3, 31)),
        )
        goals = self.env["gamification.goal"].search(
            [("challenge_id", "=", challenge.id)]
        )
        self.assertEqual({g.user_id: g.current for g in goals}[self.users[0]], 300.0)
        # Eve cannot read Ann's commission goal
        ann_goal = goals.filtered(lambda g: g.user_id == self.users[0])
        self.env.invalidate_all()
        visible = (
            self.env["gamification.goal"]
            .with_user(self.users[4])
            .search([("challenge_id", "=", challenge.id)])
        )
        self.assertNotIn(ann_goal, visible)

    def test_department_ranking_and_nightly_job(self):
        wizard = (
            self.env["asm.ranking.challenge.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "company_id": self.lb_company.id,
                    "department_id": self.sales.id,
                    "period": "month",
                    "date": MARCH,
                    "metric": "points",
                }
            )
        )
        challenge = self.env["gamification.challenge"].browse(
            wizard.action_create()["res_id"]
        )
        # Sales: Ann, Cid, Eve
        self.assertEqual(
            set(challenge.user_ids), {self.users[0], self.users[2], self.users[4]}
        )
        self.assertEqual(challenge.asm_department_id, self.sales)
        # creating the ranking also froze the period's leaderboard
        self.assertEqual(self._rankings()[self.employees[0]].rank, 1)
        # a target of zero is refused with what to enter
        wizard.target_goal = 0
        with self.assertRaisesRegex(UserError, "above zero"):
            wizard.action_create()
        # the nightly job ranks this month for every company
        self.env["asm.ranking"]._cron_asm_rankings()
        today = fields.Date.context_today(self.env["asm.ranking"])
        self.assertEqual(
            self.env["asm.ranking"].search_count(
                [
                    ("company_id", "=", self.lb_company.id),
                    ("period", "=", "month"),
                    ("date_from", "=", today.replace(day=1)),
                    ("metric", "=", "points"),
                    ("department_id", "=", False),
                ]
            ),
            6,
        )

    def test_participant_screens_load(self):
        """The leaderboard and My performance screens read only allowed fields."""
        self.env["asm.ranking"]._asm_compute_rankings(self.lb_company, "month", MARCH)
        eve = self.users[4]
        Ranking = self.env["asm.ranking"].with_user(eve)
        for view_type in ("list", "kanban", "search"):
            Ranking.get_views([(False, view_type)])
        result = Ranking.web_search_read(
            [("metric", "=", "commission"), ("department_id", "=", False)],
            {
                "rank": {},
                "employee_name": {},
                "public_value": {},
                "value_visible": {},
                "is_top": {},
                "department_id": {"fields": {"display_name": {}}},
            },
        )
        figures = {
            rec["employee_name"]: rec["public_value"] for rec in result["records"]
        }
        self.assertEqual(figures["Ann"], 0.0)  # not public
        self.assertEqual(len(figures), 6)
        # My performance: her own figures by month
        groups = (
            self.env["asm.performance"]
            .with_user(eve)
            .read_group([], ["value:sum"], ["date:month", "metric"], lazy=False)
        )
        self.assertEqual([(g["metric"], g["value"]) for g in groups], [("points", 1.0)])
