from odoo.exceptions import AccessError, UserError, ValidationError

from .common_attr import AsmAttrCase


class TestPoints(AsmAttrCase):
    """Grades C/B/A give 1/5/30 points; moving back or losing reverses them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_officer, cls.officer_emp = cls._new_employee_user(
            "asm_points_officer",
            "Olga Officer",
            groups="base.group_user,hr.group_hr_user,all_staff_marketing.group_officer",
        )
        # the officer's team: Alice and Bob report to her
        (cls.alice | cls.bob).parent_id = cls.officer_emp

    def _ledger(self, lead):
        return self.env["asm.point.line"].search(
            [("lead_id", "=", lead.id)], order="id"
        )

    def _balance(self, employee):
        return sum(
            self.env["asm.point.line"]
            .search([("employee_id", "=", employee.id)])
            .mapped("points")
        )

    def test_stages_give_points_and_reversals(self):
        lead = self._referral(
            self.alice, partner_name="Points Ltd", stage_id=self.stage_new.id
        )
        self.assertFalse(lead.asm_grade_id)
        self.assertFalse(self._ledger(lead))

        lead.stage_id = self.stage_qualified
        self.assertEqual(lead.asm_grade_id.code, "C")
        self.assertEqual(self._ledger(lead).mapped("points"), [1])
        lead.stage_id = self.stage_proposition
        self.assertEqual(lead.asm_grade_id.code, "B")
        self.assertEqual(self._ledger(lead).mapped("points"), [1, 5])
        lead.action_set_won()
        self.assertEqual(lead.asm_grade_id.code, "A")
        self.assertEqual(self._ledger(lead).mapped("points"), [1, 5, 30])
        self.assertEqual(lead.asm_points, 36)
        self.assertEqual(self._balance(self.alice), 36)

        # moving back reverses the A points only
        lead.stage_id = self.stage_proposition
        self.assertEqual(self._ledger(lead).mapped("points"), [1, 5, 30, -30])
        self.assertEqual(self._ledger(lead)[-1].kind, "reversal")
        self.assertIn("moved back", self._ledger(lead)[-1].name)
        self.assertEqual(lead.asm_points, 6)

        # losing reverses the rest
        lead.action_set_lost()
        self.assertEqual(
            sorted(self._ledger(lead).mapped("points")), [-30, -5, -1, 1, 5, 30]
        )
        self.assertEqual(lead.asm_points, 0)
        self.assertEqual(self._balance(self.alice), 0)

        # restoring it earns C and B again: history kept, 8 lines
        lead.action_unarchive()
        self.assertEqual(lead.asm_points, 6)
        self.assertEqual(len(self._ledger(lead)), 8)
        self.assertEqual(self._balance(self.alice), 6)
        self.assertEqual(
            self._balance(self.alice), sum(self._ledger(lead).mapped("points"))
        )

    def test_jump_to_won_counts_every_grade(self):
        lead = self._referral(
            self.bob, partner_name="Jump Ltd", stage_id=self.stage_new.id
        )
        lead.stage_id = self.stage_won
        self.assertEqual(self._ledger(lead).mapped("grade_id.code"), ["C", "B", "A"])
        self.assertEqual(lead.asm_points, 36)

    def test_referrer_change_moves_points(self):
        lead = self._referral(
            self.alice, partner_name="Switch Ltd", stage_id=self.stage_proposition.id
        )
        self.assertEqual(self._balance(self.alice), 6)
        lead.referrer_id = self.bob
        self.assertEqual(self._balance(self.alice), 0)
        self.assertEqual(self._balance(self.bob), 6)
        self.assertEqual(lead.asm_points, 6)

    def test_unreferred_lead_earns_nothing(self):
        lead = self.env["crm.lead"].create(
            {"name": "Walk-in", "stage_id": self.stage_won.id}
        )
        self.assertEqual(lead.asm_grade_id.code, "A")
        self.assertFalse(self._ledger(lead))

    def test_configured_points_and_mapping(self):
        grade_b = self.env.ref("all_staff_marketing.asm_lead_grade_b")
        grade_b.points = 8
        lead = self._referral(
            self.alice, partner_name="Config Ltd", stage_id=self.stage_proposition.id
        )
        self.assertEqual(lead.asm_points, 9)
        # remapping the stage regrades its leads and moves their points
        mapping = self.env.ref("all_staff_marketing.asm_stage_grade_proposition")
        mapping.grade_id = self.env.ref("all_staff_marketing.asm_lead_grade_c")
        self.assertEqual(lead.asm_grade_id.code, "C")
        self.assertEqual(lead.asm_points, 1)

    def test_ledger_is_append_only(self):
        lead = self._referral(
            self.alice, partner_name="Ledger Ltd", stage_id=self.stage_qualified.id
        )
        line = self._ledger(lead)
        with self.assertRefused(UserError, "cannot be changed"):
            line.points = 100
        with self.assertRefused(UserError, "cannot be deleted"):
            line.unlink()
        line.note = "Checked with the customer"  # notes may be added
        with self.assertRaises(AccessError):
            line.with_user(self.user_alice).note = "mine"

    def test_point_event_recorded_by_officer(self):
        event = self.env.ref("all_staff_marketing.asm_point_event_type_agency")
        event.points = 12
        wizard = (
            self.env["asm.point.event.wizard"]
            .with_user(self.user_officer)
            .create(
                {"employee_id": self.bob.id, "event_type_id": event.id, "quantity": 2}
            )
        )
        self.assertEqual(wizard.points, 24)
        wizard.action_record()
        line = self.env["asm.point.line"].search([("event_type_id", "=", event.id)])
        self.assertEqual(
            (line.employee_id, line.points, line.kind), (self.bob, 24, "event")
        )
        self.assertEqual(line.create_uid, self.user_officer)
        with self.assertRefused(ValidationError, "at least 1"):
            self.env["asm.point.event.wizard"].create(
                {"employee_id": self.bob.id, "event_type_id": event.id, "quantity": 0}
            )
        # the officer reads her team's ledger, not the rest of the company's
        carol = self.env["hr.employee"].create({"name": "Carol (other team)"})
        other = self.env["asm.point.line"].create(
            {
                "name": "Placement",
                "employee_id": carol.id,
                "kind": "event",
                "points": 3,
                "event_type_id": event.id,
            }
        )
        PointLine = self.env["asm.point.line"].with_user(self.user_officer)
        self.assertEqual(
            PointLine.search([("id", "in", (line | other).ids)]),
            line.with_user(self.user_officer),
        )
        # a participant cannot record events
        with self.assertRaises(AccessError):
            self.env["asm.point.event.wizard"].with_user(self.user_alice).create(
                {"employee_id": self.alice.id, "event_type_id": event.id}
            )

    def test_employee_smart_buttons(self):
        self._referral(self.alice, partner_name="S1", stage_id=self.stage_won.id)
        self._referral(self.alice, partner_name="S2", stage_id=self.stage_qualified.id)
        lost = self._referral(
            self.alice, partner_name="S3", stage_id=self.stage_qualified.id
        )
        lost.action_set_lost()
        self.env["asm.point.line"].create(
            {
                "name": "Placement",
                "employee_id": self.alice.id,
                "kind": "event",
                "points": 10,
                "event_type_id": self.env.ref(
                    "all_staff_marketing.asm_point_event_type_placement"
                ).id,
            }
        )
        alice = self.alice.with_user(self.user_officer)
        self.assertEqual(alice.asm_referral_count, 3)
        self.assertEqual(alice.asm_points_balance, 36 + 1 + 10)
        self.assertEqual(alice.asm_points_balance, self._balance(self.alice))
        action = alice.action_asm_view_points()
        self.assertEqual(
            sum(self.env["asm.point.line"].search(action["domain"]).mapped("points")),
            47,
        )
        action = alice.action_asm_view_referrals()
        self.assertEqual(
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count(action["domain"]),
            3,
        )

    def test_grades_per_company(self):
        company_b = self.env["res.company"].create({"name": "Points B"})
        self.env["asm.lead.grade"].search(
            [("company_id", "=", company_b.id), ("code", "=", "A")]
        ).points = 50
        __, carol = self._new_employee_user("asm_carol_p", "Carol", company=company_b)
        lead = self._referral(
            carol, partner_name="B Customer", stage_id=self.stage_won.id
        )
        self.assertEqual(lead.company_id, company_b)
        self.assertEqual(lead.asm_points, 1 + 5 + 50)
        self.assertEqual(set(self._ledger(lead).company_id.ids), {company_b.id})

    def test_deleted_referral_gives_points_back(self):
        lead = self._referral(
            self.alice, partner_name="Gone Ltd", stage_id=self.stage_proposition.id
        )
        lead.unlink()
        lines = self.env["asm.point.line"].search([("employee_id", "=", self.alice.id)])
        self.assertEqual(sorted(lines.mapped("points")), [-5, -1, 1, 5])
        self.assertFalse(lines.lead_id)  # the history stays, without the lead
        self.assertIn("deleted", lines.filtered(lambda x: x.points < 0)[0].name)
        self.assertEqual(self._balance(self.alice), 0)

    def test_merge_keeps_the_referral(self):
        plain = self.env["crm.lead"].create(
            {
                "name": "Inbound request",
                "partner_name": "Merge Co",
                "type": "opportunity",
                "stage_id": self.stage_proposition.id,
            }
        )
        referred = self._referral(
            self.alice, partner_name="Merge Co", stage_id=self.stage_qualified.id
        )
        merged = (plain | referred).merge_opportunity()
        self.assertEqual(len(merged), 1)
        self.assertEqual(merged.referrer_id, self.alice)
        self.assertEqual(merged.asm_points, 6 if merged == plain else 1)
        self.assertEqual(self._balance(self.alice), merged.asm_points)
