"""PK team competitions (DOMAIN §8, source 004 六(二)).

Four teams of five, everybody at the staff level (entry fee 100) but one supervisor
per team (200): entry fees 4 x (4 x 100 + 200) = 2,400, plus a company sponsorship of
1,000: pot 3,400. The winning team's five members get 3,400 / 5 = 680 each; two
teams tied first get 1,700 each, 340 per member. The competition ends at 17:00 on the
closing day, Beijing time (UTC+8): 09:00 UTC.
"""

from odoo import Command
from odoo.addons.all_staff_marketing.models.asm_pk_competition import split_amount
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Date
from odoo.tools.date_utils import end_of, start_of

from .common import AsmCase

GROUP = "all_staff_marketing.group_%s"
PARTICIPANT = "base.group_user," + GROUP % "participant"
MANAGER = "base.group_user," + GROUP % "manager"
TEAMS = ("Lions", "Tigers", "Eagles", "Wolves")


class TestPkCompetition(AsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Competition = cls.env["asm.pk.competition"]
        cls.Line = cls.env["asm.commission.line"]
        cls.user_manager = cls._new_user("pk_manager", MANAGER, name="Max Chen")
        cls.user_auditor = cls._new_user("pk_auditor", MANAGER, name="Gina GM")
        cls.user_player = cls._new_user("pk_player", PARTICIPANT, name="Pat Player")
        Employee = cls.env["hr.employee"]
        # teams[t][0] is the supervisor; Pat is the second member of the Lions
        cls.team_employees = []
        for t, team in enumerate(TEAMS):
            employees = Employee.create(
                [
                    {
                        "name": f"{team} {m + 1}",
                        "asm_pk_level": "supervisor" if m == 0 else "staff",
                        "user_id": cls.user_player.id if (t, m) == (0, 1) else False,
                    }
                    for m in range(5)
                ]
            )
            cls.team_employees.append(employees)
        cls.player = cls.team_employees[0][1]

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _competition(self, name, date_start, date_end, **values):
        """A draft competition of the four teams, created by the manager."""
        return self.Competition.with_user(self.user_manager).create(
            {
                "name": name,
                "date_start": date_start,
                "date_end": date_end,
                "tz": "Asia/Shanghai",
                "sponsorship": 1000.0,
                "team_ids": [
                    Command.create(
                        {
                            "name": team,
                            "member_ids": [
                                Command.create({"employee_id": employee.id})
                                for employee in employees
                            ],
                        }
                    )
                    for team, employees in zip(TEAMS, self.team_employees, strict=True)
                ],
                **values,
            }
        )

    def _points(self, employee, points, date, recorded_utc):
        """A point event dated ``date``, recorded by the server at ``recorded_utc``."""
        line = (
            self.env["asm.point.line"]
            .sudo()
            .create(
                {
                    "name": "PK test event",
                    "employee_id": employee.id,
                    "points": points,
                    "date": date,
                }
            )
        )
        line.flush_recordset()
        # the recording time is the server's; a test sets it to the minute
        self.env.cr.execute(
            "UPDATE asm_point_line SET create_date = %s WHERE id = %s",
            (recorded_utc, line.id),
        )
        self.env.invalidate_all()
        return line

    def _team_points(self, team_index, each, date, recorded_utc):
        for employee in self.team_employees[team_index]:
            self._points(employee, each, date, recorded_utc)

    def _audit(self, competition, user=None):
        """Close (as the manager) and validate the audit tier through the wizard."""
        competition.with_user(self.user_manager).action_close()
        self.assertEqual(competition.state, "closed")
        action = competition.with_user(user or self.user_auditor).validate_tier()
        self.assertEqual(action["res_model"], "comment.wizard")
        self.env["comment.wizard"].with_user(user or self.user_auditor).with_context(
            **action["context"]
        ).create({"comment": "Points checked"}).add_comment()

    def _pk_lines(self, competition, kind=None):
        domain = [("key", "=like", f"pk/{competition.id}/%")]
        if kind:
            domain.append(("kind", "=", kind))
        return self.Line.search(domain)

    def _sum_by_employee(self, lines):
        totals = {}
        for line in lines:
            totals[line.employee_id] = totals.get(line.employee_id, 0.0) + line.amount
        return totals

    # ------------------------------------------------------------------
    # tests
    # ------------------------------------------------------------------

    def test_fee_preview_key_changes_no_stored_fee(self):
        """The form's fee preview (``asm_pk_fees``, for a dialog of a competition
        not saved yet) never sets a fee: a saved member pays the competition's."""
        hostile = {"asm_pk_fees": {"staff": 99999.0, "supervisor": 99999.0}}
        # the manager creates it (teams and members included) with the key
        self.Competition = self.Competition.with_context(**hostile)
        competition = self._competition("Fee preview", "2026-04-01", "2026-04-30")
        fees = sorted(competition.member_ids.mapped("fee"))
        # 3 staff at 100 and a supervisor at 200 per team (the defaults)
        self.assertEqual(set(fees), {100.0, 200.0})
        member = competition.member_ids.filtered(lambda m: m.level == "staff")[:1]
        member.with_user(self.user_manager).with_context(**hostile).write(
            {"level": "supervisor"}
        )
        self.assertEqual(member.fee, 200.0)

    def test_default_time_zone_of_a_chinese_company(self):
        """Issue #24 item 10: the PK time zone defaulted to UTC (5 pm UTC is 1 am in
        Beijing) when neither the company nor the user had one."""
        company = self.env.company
        company.partner_id.tz = False
        company.country_id = self.env.ref("base.cn")
        self.env.user.tz = False
        Competition = self.env["asm.pk.competition"]
        self.assertEqual(Competition._default_tz(), "Asia/Shanghai")
        company.partner_id.tz = "Asia/Hong_Kong"
        self.assertEqual(Competition._default_tz(), "Asia/Hong_Kong")

    def test_split_amount(self):
        self.assertEqual(split_amount(3400.0, [1, 1]), [1700.0, 1700.0])
        self.assertEqual(split_amount(1700.0, [1] * 5), [340.0] * 5)
        # 100 / 3: the cent left over goes to the first part
        self.assertEqual(split_amount(100.0, [1, 1, 1]), [33.34, 33.33, 33.33])
        # in proportion to scores 10 : 30 of 680
        self.assertEqual(split_amount(680.0, [10, 30]), [170.0, 510.0])
        # nobody scored: equal parts
        self.assertEqual(split_amount(680.0, [0, 0]), [340.0, 340.0])

    def test_full_run_winner_takes_the_pot(self):
        march = self._competition("March PK", "2026-03-01", "2026-03-31")
        self.assertEqual(march.fee_total, 2400.0)  # 4 x (4 x 100 + 200)
        self.assertEqual(march.pot_amount, 3400.0)  # + 1,000 sponsorship
        # points recorded during the period (15 March, 10:00 Beijing = 02:00 UTC)
        during = "2026-03-15 02:00:00"
        self._team_points(0, 10, "2026-03-15", during)  # Lions 5 x 10 = 50
        self._team_points(1, 8, "2026-03-15", during)  # Tigers 5 x 8 = 40
        self._team_points(2, 6, "2026-03-15", during)  # Eagles 5 x 6 = 30
        self._team_points(3, 4, "2026-03-15", during)  # Wolves 5 x 4 = 20
        wolf = self.team_employees[3][0]
        # closing day, 16:59 Beijing (08:59 UTC): counts, Wolves 20 + 5 = 25
        self._points(wolf, 5, "2026-03-31", "2026-03-31 08:59:00")
        # closing day, 17:01 Beijing (09:01 UTC): too late, would make them win
        self._points(wolf, 1000, "2026-03-31", "2026-03-31 09:01:00")
        # dated before the start: not in the period
        self._points(wolf, 500, "2026-02-28", during)
        self.assertEqual(str(march.cutoff), "2026-03-31 09:00:00")
        scores = {team.name: team.score for team in march.team_ids}
        self.assertEqual(
            scores, {"Lions": 50.0, "Tigers": 40.0, "Eagles": 30.0, "Wolves": 25.0}
        )
        # a member's score is the sum of their ledger entries that count
        wolf_member = march.member_ids.filtered(lambda m: m.employee_id == wolf)
        self.assertEqual(wolf_member.score, 9.0)  # 4 + 5
        ranks = {team.name: team.rank for team in march.team_ids}
        self.assertEqual(ranks, {"Lions": 1, "Tigers": 2, "Eagles": 3, "Wolves": 4})
        self.assertEqual(march.winner_team_ids.mapped("name"), ["Lions"])

        march.with_user(self.user_manager).action_open()
        self.assertEqual(march.state, "open")
        fees = self._pk_lines(march, "pk_fee")
        self.assertEqual(len(fees), 20)
        self.assertEqual(sum(fees.mapped("amount")), -2400.0)
        by_employee = self._sum_by_employee(fees)
        for employees in self.team_employees:
            self.assertEqual(by_employee[employees[0]], -200.0)  # supervisor
            for employee in employees[1:]:
                self.assertEqual(by_employee[employee], -100.0)
        # teams and fees are fixed once open
        with self.assertRaises(UserError):
            march.with_user(self.user_manager).write({"fee_staff": 50.0})

        self._audit(march)
        self.assertEqual(march.state, "audited")
        march.with_user(self.user_manager).action_settle()
        self.assertEqual(march.state, "settled")
        prizes = self._pk_lines(march, "pk_prize")
        self.assertEqual(prizes.employee_id, self.team_employees[0])
        self.assertEqual(prizes.mapped("amount"), [680.0] * 5)  # 3,400 / 5

        # the lines land in the statements of the month they were created in
        today = Date.context_today(self.Line)
        statements = self.env["asm.statement"]._generate_statements(
            start_of(today, "month"), end_of(today, "month")
        )
        totals = {s.employee_id: s.amount_total for s in statements}
        lions = self.team_employees[0]
        self.assertEqual(totals[lions[0]], 480.0)  # 680 - 200
        self.assertEqual(totals[lions[1]], 580.0)  # 680 - 100
        self.assertEqual(totals[self.team_employees[1][0]], -200.0)
        self.assertEqual(totals[self.team_employees[1][1]], -100.0)
        for line in fees | prizes:
            self.assertEqual(line.statement_id.employee_id, line.employee_id)

    def test_tie_splits_the_pot(self):
        april = self._competition("April PK", "2026-04-01", "2026-04-30")
        during = "2026-04-10 02:00:00"
        self._team_points(0, 6, "2026-04-10", during)  # Lions 30
        self._team_points(1, 6, "2026-04-10", during)  # Tigers 30
        self._team_points(2, 2, "2026-04-10", during)  # Eagles 10
        april.with_user(self.user_manager).action_open()
        self.assertEqual(april.winner_team_ids.mapped("name"), ["Lions", "Tigers"])
        self._audit(april)
        april.with_user(self.user_manager).action_settle()
        prizes = self._pk_lines(april, "pk_prize")
        self.assertEqual(
            prizes.employee_id, self.team_employees[0] | self.team_employees[1]
        )
        self.assertEqual(prizes.mapped("amount"), [340.0] * 10)  # 1,700 / 5
        self.assertEqual(sum(prizes.mapped("amount")), 3400.0)

    def test_prize_in_proportion_to_score(self):
        may = self._competition(
            "May PK", "2026-05-01", "2026-05-31", split_mode="score"
        )
        lions = self.team_employees[0]
        # Lions 1..5 score 1, 2, 3, 4, 10 = 20: 3,400 x n / 20
        for employee, points in zip(lions, (1, 2, 3, 4, 10), strict=True):
            self._points(employee, points, "2026-05-05", "2026-05-05 02:00:00")
        may.with_user(self.user_manager).action_open()
        self._audit(may)
        may.with_user(self.user_manager).action_settle()
        prizes = self._sum_by_employee(self._pk_lines(may, "pk_prize"))
        self.assertEqual(
            [prizes[employee] for employee in lions],
            [170.0, 340.0, 510.0, 680.0, 1700.0],
        )

    def test_cancel_refunds_every_fee(self):
        june = self._competition("June PK", "2026-06-01", "2026-06-30")
        june.with_user(self.user_manager).action_open()
        june.with_user(self.user_manager).action_close()
        june.with_user(self.user_manager).action_cancel()
        self.assertEqual(june.state, "cancelled")
        refunds = self._pk_lines(june, "pk_refund")
        self.assertEqual(sum(refunds.mapped("amount")), 2400.0)
        totals = self._sum_by_employee(self._pk_lines(june))
        self.assertEqual(len(totals), 20)
        self.assertEqual(set(totals.values()), {0.0})
        # cancelling twice is refused, and would add nothing
        with self.assertRaises(UserError):
            june.with_user(self.user_manager).action_cancel()

    def test_rejected_audit_reopens(self):
        july = self._competition("July PK", "2026-07-01", "2026-07-31")
        july.with_user(self.user_manager).action_open()
        july.with_user(self.user_manager).action_close()
        action = july.with_user(self.user_auditor).reject_tier()
        self.env["comment.wizard"].with_user(self.user_auditor).with_context(
            **action["context"]
        ).create({"comment": "Points of the Wolves to check"}).add_comment()
        self.assertEqual(july.state, "open")
        self.assertIn("Points of the Wolves to check", july.message_ids[0].body)
        # nobody settles an unaudited competition
        with self.assertRaises(UserError):
            july.with_user(self.user_manager).action_settle()
        # closed again: a new audit round, validated this time
        self._audit(july)
        self.assertEqual(july.state, "audited")
        self.assertEqual(july.review_ids.mapped("status"), ["approved"])

    def test_close_only_after_the_end(self):
        future = self._competition("Future PK", "2026-01-01", "2099-12-31")
        future.with_user(self.user_manager).action_open()
        with self.assertRaisesRegex(UserError, "close it after that"):
            future.with_user(self.user_manager).action_close()
        self.assertEqual(future.state, "open")
        self.assertEqual(future.line_count, 20)  # the 20 entry fees

    def test_views_load_for_manager_and_participant(self):
        views = [(False, "kanban"), (False, "list"), (False, "form"), (False, "search")]
        for user in (self.user_manager, self.user_player):
            result = self.Competition.with_user(user).get_views(views)
            self.assertIn("ranking_html", result["views"]["kanban"]["arch"])
            form = result["views"]["form"]["arch"]
            # base_tier_validation returns the form it extends as bytes
            form = form.decode() if isinstance(form, bytes) else form
            self.assertIn("validate_tier", form)

    def test_participant_does_not_audit(self):
        october = self._competition("October PK", "2026-10-01", "2026-10-31")
        auditor = self.env["hr.employee"].create(
            {"name": "Gina GM", "user_id": self.user_auditor.id}
        )
        wolves = october.team_ids.filtered(lambda t: t.name == "Wolves")
        wolves.with_user(self.user_manager).write(
            {"member_ids": [Command.create({"employee_id": auditor.id})]}
        )
        october.with_user(self.user_manager).action_open()
        october.with_user(self.user_manager).action_close()
        with self.assertRaisesRegex(UserError, "it pays you"):
            october.with_user(self.user_auditor).validate_tier()
        self.assertEqual(october.state, "closed")

    def test_other_company_is_hidden(self):
        other = self.env["res.company"].create({"name": "Subsidiary B"})
        hidden = self.Competition.create(
            {
                "name": "Subsidiary PK",
                "company_id": other.id,
                "date_start": "2026-03-01",
                "date_end": "2026-03-31",
            }
        )
        self.assertFalse(
            self.Competition.with_user(self.user_manager).search(
                [("id", "=", hidden.id)]
            )
        )

    def test_person_in_two_teams(self):
        august = self._competition("August PK", "2026-08-01", "2026-08-31")
        lion = self.team_employees[0][2]
        with self.assertRaisesRegex(ValidationError, "Lions 3"):
            august.team_ids.filtered(lambda t: t.name == "Tigers").with_user(
                self.user_manager
            ).write({"member_ids": [Command.create({"employee_id": lion.id})]})

    def test_participant_reads_ranking_but_cannot_write(self):
        september = self._competition("September PK", "2026-09-01", "2026-09-30")
        as_player = september.with_user(self.user_player)
        # a draft is the manager's: participants do not see it
        self.assertFalse(
            self.Competition.with_user(self.user_player).search(
                [("id", "=", september.id)]
            )
        )
        self._team_points(0, 3, "2026-09-02", "2026-09-02 02:00:00")  # Lions 15
        with self.assertRaises(AccessError):
            as_player.action_open()
        september.with_user(self.user_manager).action_open()
        self.assertEqual(as_player.my_team_id.name, "Lions")
        self.assertEqual(as_player.my_team_rank, 1)
        self.assertEqual(as_player.my_team_score, 15.0)
        self.assertEqual(as_player.pot_amount, 3400.0)
        self.assertIn("Wolves", as_player.ranking_html)
        # the participants tab, as the web client reads it
        members = as_player.member_ids.web_read(
            {"employee_id": {"fields": {"display_name": {}}}, "score": {}}
        )
        self.assertIn("Lions 2", [m["employee_id"]["display_name"] for m in members])
        self.assertEqual(sum(m["score"] for m in members), 15.0)
        team = as_player.team_ids.filtered(lambda t: t.name == "Tigers")
        self.assertEqual((team.score, team.rank), (0.0, 2))
        with self.assertRaises(AccessError):
            as_player.write({"sponsorship": 100000.0})
        with self.assertRaises(AccessError):
            as_player.write({"name": "We won"})
        with self.assertRaises(AccessError):
            team.write({"score": 999.0})
        with self.assertRaises(AccessError):
            as_player.member_ids[:1].write({"level": "staff"})
        with self.assertRaises(AccessError):
            as_player.action_cancel()

    # ------------------------------------------------------------------
    # allow-list (issue #18) and the form (issue #24)
    # ------------------------------------------------------------------
    def test_created_as_the_form_sends_it(self):
        """The web client sends every default, ``state: 'draft'`` included."""
        july = self._competition("July PK", "2026-07-01", "2026-07-31", state="draft")
        self.assertEqual((july.state, july.fee_total), ("draft", 2400.0))
        with self.assertRaisesRegex(UserError, r"State \(state\)"):
            self._competition("Born open", "2026-07-01", "2026-07-31", state="open")
        with self.assertRaisesRegex(UserError, r"State \(state\)"):
            self.Competition.with_user(self.user_manager).with_context(
                default_state="open", skip_validation_check=True
            ).create(
                {
                    "name": "Born open by context",
                    "date_start": "2026-07-01",
                    "date_end": "2026-07-31",
                    "state": "open",
                }
            )

    def test_started_competition_is_locked_whatever_the_context(self):
        august = self._competition("August PK", "2026-08-01", "2026-08-31")
        august.with_user(self.user_manager).action_open()
        self.assertEqual(august.state, "open")
        mine = august.with_user(self.user_manager).with_context(
            skip_validation_check=True, asm_workflow=True
        )
        for values in (
            {"sponsorship": 100000.0},
            {"date_end": "2026-12-31"},
            {"split_mode": "score"},
            {"fee_staff": 0.0},
        ):
            with self.assertRaisesRegex(UserError, r"status: Open"):
                mine.write(values)
        member = august.member_ids[:1].with_user(self.user_manager)
        with self.assertRaises(UserError):
            member.with_context(skip_validation_check=True).write({"level": "director"})
        with self.assertRaises(UserError):
            august.team_ids[:1].with_user(self.user_manager).write(
                {"member_ids": [Command.clear()]}
            )
        mine.name = "August PK (renamed)"
        self.env.invalidate_all()
        self.assertEqual(
            (august.sponsorship, august.fee_total, august.pot_amount),
            (1000.0, 2400.0, 3400.0),
        )
        self.assertEqual(len(august.member_ids), 20)
