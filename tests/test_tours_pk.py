"""PK competitions in a real browser (see tests/test_tours.py for the set-up)."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user

MANAGER = "base.group_user,all_staff_marketing.group_manager"


class TestToursPk(HttpCase):
    # Odoo's MetaCase sets these only under odoo.addons.* (see tests/common.py)
    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}

    def test_manager_sees_ranking_and_closes(self):
        manager = new_test_user(
            self.env, login="asm_tour_pk_manager", groups=MANAGER, name="PK Manager"
        )
        Employee = self.env["hr.employee"]
        lions = Employee.create([{"name": f"Lion {i}"} for i in range(2)])
        tigers = Employee.create([{"name": f"Tiger {i}"} for i in range(2)])
        competition = self.env["asm.pk.competition"].create(
            {
                "name": "Tour PK",
                "date_start": "2026-03-01",
                "date_end": "2026-03-31",
                "tz": "Asia/Shanghai",
                "team_ids": [
                    Command.create(
                        {
                            "name": name,
                            "member_ids": [
                                Command.create({"employee_id": e.id}) for e in team
                            ],
                        }
                    )
                    for name, team in (("Tour Tigers", tigers), ("Tour Lions", lions))
                ],
            }
        )
        point = self.env["asm.point.line"].create(
            {
                "name": "Tour points",
                "employee_id": lions[0].id,
                "points": 30,
                "date": "2026-03-10",
            }
        )
        point.flush_recordset()
        self.env.cr.execute(
            "UPDATE asm_point_line SET create_date = '2026-03-10 02:00' WHERE id = %s",
            (point.id,),
        )
        competition.action_open()
        self.start_tour(
            "/odoo/action-all_staff_marketing.asm_pk_competition_action",
            "asm_pk_tour",
            login=manager.login,
        )
        self.env.invalidate_all()
        self.assertEqual(competition.state, "closed")
        self.assertTrue(competition.review_ids)

    def test_manager_creates_a_competition_in_its_form(self):
        """Issue #24 items 1-2: saved from the form, with a hand-picked member who
        has no department, whose fee follows the level before saving."""
        manager = new_test_user(
            self.env, login="asm_tour_pk_creator", groups=MANAGER, name="PK Creator"
        )
        nadia = self.env["hr.employee"].create({"name": "Nadia NoDept"})
        self.assertFalse(nadia.department_id)
        self.start_tour(
            "/odoo/action-all_staff_marketing.asm_pk_competition_action",
            "asm_pk_form_tour",
            login=manager.login,
        )
        competition = self.env["asm.pk.competition"].search(
            [("name", "=", "Tour Form PK")]
        )
        self.assertEqual(competition.state, "draft")
        self.assertEqual(competition.create_uid, manager)
        self.assertEqual(
            [
                (m.team_id.name, m.employee_id, m.level, m.fee)
                for m in competition.member_ids
            ],
            [("Tour Eagles", nadia, "supervisor", 200.0)],
        )
