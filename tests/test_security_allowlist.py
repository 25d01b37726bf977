"""Allow-lists of what a user writes on money records (issue #18, asm.guard.mixin).

Each test acts as the real user (``with_user``, real groups) with the context a
client can send, and asserts both the refusal (naming the field) and that the money
did not move. Figures are StatementCase's (source 000 farm 四.4): Alice's March
statement 600, May 200 + 6,300 = 6,500; Bob's March 300.
"""

from odoo.exceptions import AccessError, UserError

from .common_attr import AsmAttrCase
from .statement_common import GROUP, StatementCase

#: Context keys a client can send that relaxed checks in this addon or in the
#: modules it builds on.
HOSTILE = {
    "skip_validation_check": True,
    "asm_approval_state_write": True,
    "tracking_disable": True,
    "install_mode": True,
}


class TestAllowListStatements(StatementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_finance = cls._new_user(
            "asm_al_fin", "base.group_user," + GROUP % "finance", name="Fei Finance"
        )

    def test_nobody_writes_a_statement_total(self):
        """The stored total payroll pays is not writable, by anyone, in any state."""
        self.alice_march.with_user(self.user_officer).action_confirm()
        for user in (self.user_officer, self.user_manager, self.user_finance):
            for context in ({}, HOSTILE):
                with self.assertRaisesRegex(UserError, r"amount_total"):
                    self.alice_march.with_user(user).with_context(**context).write(
                        {"amount_total": 60000.0}
                    )
        # the employee has no write access to statements at all
        with self.assertRaises(AccessError):
            self.alice_march.with_user(self.user_alice).with_context(**HOSTILE).write(
                {"amount_total": 60000.0}
            )
        self.env.invalidate_all()
        self.assertEqual(self.alice_march.amount_total, 600.0)
        self.assertEqual(self.alice_march.line_count, 1)

    def test_nobody_moves_their_own_statement(self):
        """Issue #18: an officer confirmed, cancelled and reset their own."""
        own = self._create_statement(
            self.officer,
            "2025-03-01",
            "2025-03-31",
            [{"name": "Lost bid information", "amount": 300.0}],
        )
        mine = own.with_user(self.user_officer)
        for action in (mine.action_confirm, mine.action_cancel):
            with self.assertRaisesRegex(UserError, "is your own"):
                action()
        own.action_confirm()  # as the system
        for action in (mine.action_draft, mine.action_cancel):
            with self.assertRaisesRegex(UserError, "is your own"):
                action()
        self.assertEqual(own.state, "confirmed")
        # the officer still moves the team's statements
        self.alice_march.with_user(self.user_officer).action_confirm()
        self.assertEqual(self.alice_march.state, "confirmed")

    def test_hr_admin_does_not_relink_an_employee_with_commissions(self):
        """Issue #18: re-linking Bob's employee to oneself opened his statements."""
        hr_admin = self._new_user(
            "asm_al_hr_admin", "base.group_user,hr.group_hr_manager", name="Hal HR"
        )
        with self.assertRaisesRegex(UserError, "has commissions, statements or points"):
            self.bob.with_user(hr_admin).user_id = hr_admin
        self.assertEqual(self.bob.user_id, self.user_bob)
        with self.assertRaises(AccessError):
            self.bob_march.with_user(hr_admin).read(["amount_total"])
        # an employee without history is HR's to link
        newcomer = self.env["hr.employee"].create({"name": "Nina Newcomer"})
        newcomer.with_user(hr_admin).user_id = hr_admin
        self.assertEqual(newcomer.user_id, hr_admin)
        # an All-Staff Marketing manager (with HR rights) may, and it is logged
        asm_hr = self._new_user(
            "asm_al_hr_asm",
            "base.group_user,hr.group_hr_user," + GROUP % "manager",
            name="Mia Manager",
        )
        self.bob.with_user(asm_hr).user_id = False
        self.assertFalse(self.bob.user_id)
        self.assertIn("Related user changed", self.bob.message_ids[:1].body)

    def test_lowering_a_total_does_not_skip_a_tier(self):
        """A 6,500 statement cannot be written down to dodge the amount's tier."""
        with self.assertRaisesRegex(UserError, r"Amount Total \(amount_total\)"):
            self.alice_may.with_user(self.user_officer).write({"amount_total": 1.0})
        self.assertEqual(self.alice_may.amount_total, 6500.0)

    def test_refusal_names_the_field_and_the_button(self):
        with self.assertRaisesRegex(
            UserError, r"Employee \(employee_id\).*change only through its buttons"
        ):
            self.alice_march.with_user(self.user_manager).write(
                {"employee_id": self.bob.id}
            )
        self.assertEqual(self.alice_march.employee_id, self.alice)

    def test_statement_is_not_created_with_a_total(self):
        with self.assertRaisesRegex(UserError, r"not by hand"):
            self.Statement.with_user(self.user_manager).create(
                {
                    "employee_id": self.alice.id,
                    "date_from": "2025-07-01",
                    "date_to": "2025-07-31",
                    "amount_total": 5000.0,
                }
            )

    def test_line_fields_are_refused_to_every_role(self):
        line = self.alice_march.line_ids
        for user in (self.user_manager, self.user_finance, self.user_officer):
            for values in ({"gross_amount": 9999.0}, {"kind": "manual"}):
                with self.assertRaises(UserError):
                    line.with_user(user).with_context(**HOSTILE).write(values)
        self.env.invalidate_all()
        self.assertEqual((line.amount, line.gross_amount), (600.0, 600.0))

    def test_adjustment_cannot_carry_computed_money(self):
        """A manager's manual adjustment gives its amount, not its money factors."""
        Line = self.Line.with_user(self.user_manager)
        vals = {
            "name": "Correction",
            "employee_id": self.alice.id,
            "amount": -100.0,
            "reason": "Double-counted payment of 15 March",
        }
        with self.assertRaisesRegex(UserError, r"days_late"):
            Line.create(dict(vals, days_late=200))
        line = Line.create(vals)
        self.assertEqual((line.kind, line.amount), ("manual", -100.0))


class TestAllowListAwards(StatementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reward_panel = cls.env["asm.event.reward"].create(
            {
                "name": "Supplier panel entry",
                "event_type": "manual",
                "amount_min": 5000,
                "amount_max": 20000,
            }
        )
        cls.Award = cls.env["asm.award"].with_user(cls.user_officer)
        cls.vals = {
            "name": "Entered ACME's supplier panel",
            "event_reward_id": cls.reward_panel.id,
            "employee_id": cls.alice.id,
        }

    def test_award_under_review_is_not_edited_with_a_context_key(self):
        """base_tier_validation's skip_validation_check is no bypass."""
        award = self.Award.create(dict(self.vals, amount=8000))
        award.action_confirm()
        self.assertEqual(award.state, "confirmed")
        for values in (
            {"amount": 20000},
            {"employee_id": self.officer.id},
            {"needs_approval": False},
        ):
            with self.assertRaisesRegex(UserError, r"status: To Approve"):
                award.with_context(**HOSTILE).write(values)
        self.env.invalidate_all()
        self.assertEqual((award.amount, award.employee_id), (8000, self.alice))
        self.assertTrue(award.needs_approval)

    def test_award_is_not_born_granted(self):
        for values in (
            {"state": "done", "amount": 5000},
            {"needs_approval": False, "amount": 8000},
        ):
            with self.assertRaises(UserError):
                self.Award.with_context(**HOSTILE).create(dict(self.vals, **values))
        self.assertFalse(
            self.env["asm.award"].search([("employee_id", "=", self.alice.id)])
        )

    def test_granted_award_is_frozen(self):
        award = self.Award.create(dict(self.vals, amount=5000))
        award.action_confirm()
        self.assertEqual(award.state, "done")
        with self.assertRaisesRegex(UserError, r"(?i)amount"):
            award.with_user(self.user_manager).write({"amount": 20000})
        self.assertEqual(award.sudo().line_ids.amount, 5000.0)


class TestAllowListPoints(AsmAttrCase):
    """Points are paid from the PK pot: they come from the system only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_officer, cls.officer_emp = cls._new_employee_user(
            "asm_al_points_officer",
            "Olga Officer",
            groups="base.group_user,all_staff_marketing.group_officer",
        )
        (cls.alice | cls.bob).parent_id = cls.officer_emp
        cls.event = cls.env.ref("all_staff_marketing.asm_point_event_type_agency")

    def _balance(self, employee):
        lines = self.env["asm.point.line"].search([("employee_id", "=", employee.id)])
        return sum(lines.mapped("points"))

    def test_no_direct_point_line(self):
        PointLine = self.env["asm.point.line"].with_user(self.user_officer)
        for employee, points in ((self.officer_emp, 500), (self.alice, -30)):
            for context in ({}, HOSTILE):
                with self.assertRaisesRegex(UserError, r"Points \(points\)"):
                    PointLine.with_context(**context).create(
                        {
                            "name": "Bonus",
                            "employee_id": employee.id,
                            "kind": "event",
                            "points": points,
                        }
                    )
        self.assertEqual(self._balance(self.officer_emp), 0)
        self.assertEqual(self._balance(self.alice), 0)

    def test_point_event_never_for_oneself(self):
        Wizard = self.env["asm.point.event.wizard"].with_user(self.user_officer)
        wizard = Wizard.create(
            {"employee_id": self.officer_emp.id, "event_type_id": self.event.id}
        )
        with self.assertRaisesRegex(UserError, "for yourself"):
            wizard.action_record()
        self.assertEqual(self._balance(self.officer_emp), 0)
        # for a team member it works, through the system path
        Wizard.create(
            {"employee_id": self.alice.id, "event_type_id": self.event.id}
        ).action_record()
        self.assertEqual(self._balance(self.alice), self.event.points)


class TestAllowListReferralCoupons(AsmAttrCase):
    """The referral fields this addon adds to loyalty.card are the system's."""

    def test_sales_admin_does_not_rewrite_a_referral_coupon(self):
        user, _employee = self._new_employee_user(
            "asm_al_sales_admin",
            "Sam Sales Admin",
            groups="base.group_user,sales_team.group_sale_manager",
        )
        program = self.env["loyalty.program"].create(
            {"name": "Refer a friend", "program_type": "coupons"}
        )
        customer = self.env["res.partner"].create({"name": "Referred Farm"})
        card = self.env["loyalty.card"].create(
            {
                "program_id": program.id,
                "partner_id": customer.id,
                "points": 10,
                "asm_referral_campaign_id": program.id,
                "asm_referred_partner_id": customer.id,
                "asm_referral_points": 10,
                "asm_referral_state": "granted",
            }
        )
        for values in (
            {"asm_referral_points": 1000},
            {"asm_referral_state": "kept"},
            {"asm_referred_partner_id": self.env.user.partner_id.id},
        ):
            with self.assertRaisesRegex(UserError, r"\(asm_referr"):
                card.with_user(user).with_context(**HOSTILE).write(values)
        with self.assertRaisesRegex(UserError, r"asm_referral_state"):
            self.env["loyalty.card"].with_user(user).create(
                {
                    "program_id": program.id,
                    "partner_id": customer.id,
                    "asm_referral_state": "granted",
                }
            )
        # the loyalty app's own fields follow its rules
        card.with_user(user).points = 12
        self.assertEqual(
            (card.asm_referral_points, card.asm_referral_state, card.points),
            (10, "granted", 12),
        )
