"""Least privilege on the money paths (issue #12): statements, lines, awards.

Every test acts as the real restricted user (``with_user``, real groups) and
asserts the refusal message. Amounts are the StatementCase figures (source 000
farm 四.4): Alice's March statement 600, May 200 + 6,300 = 6,500; Bob's March 300.
"""

from odoo.addons.all_staff_marketing.models.asm_statement import (
    AsmStatement as CoreStatement,
)
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .statement_common import GROUP, PARTICIPANT, StatementCase

BUTTONS_ONLY = "change only through its buttons"


class TestSecurityStatements(StatementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_finance = cls._new_user(
            "asm_fin", "base.group_user," + GROUP % "finance", name="Fay Finance"
        )
        # what Odoo's default user template gives every new internal user once
        # Invoicing is installed
        cls.user_account_admin = cls._new_user(
            "asm_acc_admin",
            PARTICIPANT + ",account.group_account_manager",
            name="Ann Accounts",
        )
        cls.env["hr.employee"].create(
            {"name": "Ann Accounts", "user_id": cls.user_account_admin.id}
        )
        cls.reward_panel = cls.env["asm.event.reward"].create(
            {
                "name": "Supplier panel entry",
                "event_type": "manual",
                "amount_min": 5000,
                "amount_max": 20000,
            }
        )
        cls.all_statements = cls.alice_march | cls.alice_may | cls.bob_march

    def _paid(self, statement):
        self._approve(statement, confirmed_by=self.user_manager)
        # the core's own step, as finance (the payroll bridge hides it)
        CoreStatement.action_mark_paid(statement.with_user(self.user_finance))
        self.assertEqual(statement.state, "paid")
        return statement

    # ------------------------------------------------------------------ 1. workflow
    def test_officer_cannot_approve_by_writing_the_state(self):
        statement = self.alice_march.with_user(self.user_officer)
        self.assertEqual(statement.state, "draft", "the officer sees the team's")
        with self.assertRaisesRegex(UserError, BUTTONS_ONLY):
            statement.write({"state": "approved"})
        # a context key sent by a client is no bypass
        with self.assertRaisesRegex(UserError, BUTTONS_ONLY):
            statement.with_context(skip_validation_check=True, asm_workflow=True).write(
                {"state": "approved"}
            )
        self.assertEqual(self.alice_march.state, "draft")

    def test_officer_cannot_move_a_statement_to_someone_else(self):
        statement = self.alice_march.with_user(self.user_officer)
        with self.assertRaisesRegex(UserError, BUTTONS_ONLY):
            statement.employee_id = self.officer
        with self.assertRaisesRegex(UserError, BUTTONS_ONLY):
            statement.date_to = "2025-04-30"
        with self.assertRaisesRegex(UserError, BUTTONS_ONLY):
            statement.write({"line_ids": [(5, 0, 0)]})
        self.assertEqual(self.alice_march.employee_id, self.alice)
        self.assertEqual(self.alice_march.amount_total, 600.0)

    def test_paid_statement_cannot_be_approved_again_by_finance(self):
        statement = self._paid(self.alice_march)
        with self.assertRaisesRegex(UserError, BUTTONS_ONLY):
            statement.with_user(self.user_finance).write(
                {"state": "approved", "payslip_id": False}
            )
        # accounting administrators have no right on statements at all
        with self.assertRaises(AccessError):
            statement.with_user(self.user_account_admin).write(
                {"state": "approved", "payslip_id": False}
            )
        self.assertEqual(statement.state, "paid")

    def test_statements_are_not_created_by_hand(self):
        with self.assertRaisesRegex(UserError, "created by the statement generation"):
            self.Statement.with_user(self.user_manager).create(
                {
                    "employee_id": self.bob.id,
                    "date_from": "2025-04-01",
                    "date_to": "2025-04-30",
                    "state": "approved",
                }
            )

    def test_approved_only_by_the_last_tier(self):
        statement = self.alice_march
        statement.with_user(self.user_officer).action_confirm()
        with self.assertRaisesRegex(UserError, "approved by its reviewers"):
            statement.with_user(self.user_manager).action_approve()
        self._validate(statement, self.reviewer_1)
        with self.assertRaisesRegex(UserError, "approved by its reviewers"):
            statement.with_user(self.user_manager).action_approve()
        self.assertEqual(statement.state, "confirmed")
        self._validate(statement, self.reviewer_2)
        self.assertEqual(statement.state, "approved")
        # the officer's own buttons check the state too
        with self.assertRaisesRegex(UserError, "this action needs it to be Draft"):
            statement.with_user(self.user_officer).action_confirm()

    def test_reviews_cannot_be_forged(self):
        statement = self.alice_march
        statement.with_user(self.user_officer).action_confirm()
        reviews = statement.review_ids.with_user(self.user_officer)
        self.assertEqual(len(reviews), 2)
        refused = "Validate and Reject buttons only"
        with self.assertRaisesRegex(UserError, refused):
            reviews.write({"status": "approved"})
        with self.assertRaisesRegex(UserError, refused):
            reviews.unlink()
        with self.assertRaisesRegex(UserError, refused):
            self.env["tier.review"].with_user(self.user_officer).create(
                {
                    "model": "asm.statement",
                    "res_id": statement.id,
                    "definition_id": reviews[0].definition_id.id,
                    "status": "approved",
                }
            )
        # the first level's review (the cache does not keep the reviews' order)
        first = reviews.sudo().sorted("sequence")[0]
        self.assertNotIn(self.reviewer_2, first.reviewer_ids)
        with self.assertRaisesRegex(UserError, refused):
            first.with_user(self.reviewer_2).comment = "not mine"
        # the comment wizard without a review of theirs approves nothing
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.user_officer)
            .create(
                {
                    "res_model": "asm.statement",
                    "res_id": statement.id,
                    "validate_reject": "validate",
                    "comment": "OK",
                }
            )
        )
        wizard.add_comment()
        self.assertEqual(statement.state, "confirmed")
        self.assertNotIn("approved", statement.review_ids.mapped("status"))

    def test_undo_payment_is_logged_and_for_finance_only(self):
        statement = self._paid(self.bob_march)
        with self.assertRaisesRegex(AccessError, "Finance / Payroll Reviewer"):
            statement.with_user(self.user_manager).action_undo_payment()
        with self.assertRaisesRegex(AccessError, "Finance / Payroll Reviewer"):
            statement.with_user(self.user_account_admin).action_undo_payment()
        statement.with_user(self.user_finance).action_undo_payment()
        self.assertEqual(statement.state, "approved")
        message = statement.message_ids.filtered(
            lambda m: "Payment undone by Fay Finance" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.user_finance.partner_id)
        with self.assertRaisesRegex(UserError, "this action needs it to be Paid"):
            statement.with_user(self.user_finance).action_undo_payment()

    # --------------------------------------------------- 2. segregation of duties
    def test_nobody_reviews_their_own_statement(self):
        self.user_alice.groups_id |= self.env.ref(GROUP % "approver_first")
        statement = self.alice_march
        statement.with_user(self.user_officer).action_confirm()
        self.assertTrue(statement.with_user(self.user_alice).can_review)
        with self.assertRaisesRegex(UserError, "You cannot review .* it pays you"):
            statement.with_user(self.user_alice).validate_tier()
        # nor through the comment wizard's path
        with self.assertRaisesRegex(UserError, "it pays you"):
            statement.with_user(self.user_alice)._validate_tier()
        with self.assertRaisesRegex(UserError, "it pays you"):
            statement.with_user(self.user_alice).reject_tier()
        # another reviewer of the level does it
        self._validate(statement, self.reviewer_1)
        self._validate(statement, self.reviewer_2)
        self.assertEqual(statement.state, "approved")

    def test_comment_wizard_decides_only_the_reviews_of_its_record(self):
        """Issue #18: the wizard's record and reviews come from the client."""
        self.user_alice.groups_id |= self.env.ref(GROUP % "approver_first")
        self.alice_march.with_user(self.user_officer).action_confirm()
        self.bob_march.with_user(self.user_manager).action_confirm()
        mine = self.alice_march.sudo().review_ids.filtered(
            lambda review: self.user_alice in review.reviewer_ids
        )
        self.assertTrue(mine)
        for decision in ("validate", "reject"):
            wizard = (
                self.env["comment.wizard"]
                .with_user(self.user_alice)
                .create(
                    {
                        "res_model": "asm.statement",
                        "res_id": self.bob_march.id,  # does not pay Alice
                        "review_ids": [(6, 0, mine.ids)],
                        "validate_reject": decision,
                        "comment": "OK",
                    }
                )
            )
            with self.assertRaisesRegex(UserError, "do not belong to"):
                wizard.add_comment()
        self.env.invalidate_all()
        self.assertEqual(set(mine.mapped("status")), {"pending"})
        self.assertEqual(self.alice_march.state, "confirmed")

    def test_reviews_are_read_by_the_documents_readers_only(self):
        """Issue #18: every internal and portal user read every review."""
        self.alice_march.with_user(self.user_officer).action_confirm()
        reviews = self.alice_march.sudo().review_ids
        self.assertEqual(len(reviews), 2)
        domain = [("id", "in", reviews.ids)]
        Review = self.env["tier.review"]
        portal = self._new_user("asm_rev_portal", "base.group_portal")
        for user in (self.user_bob, portal):
            self.assertFalse(Review.with_user(user).search(domain), user.login)
            with self.assertRaises(AccessError):
                reviews.with_user(user).read(["status", "comment"])
        for user in (self.user_alice, self.user_officer, self.reviewer_1):
            self.assertEqual(Review.with_user(user).search(domain), reviews, user.login)
        # the employee's statement form shows its reviews
        self.assertEqual(len(self.alice_march.with_user(self.user_alice).review_ids), 2)

    def test_submitter_does_not_review(self):
        self.user_manager.groups_id |= self.env.ref(GROUP % "approver_first")
        self.bob_march.with_user(self.user_manager).action_confirm()
        with self.assertRaisesRegex(UserError, "you submitted it"):
            self.bob_march.with_user(self.user_manager).validate_tier()
        self._validate(self.bob_march, self.reviewer_1)
        self._validate(self.bob_march, self.reviewer_2)
        self.assertEqual(self.bob_march.state, "approved")

    def test_nobody_reviews_a_statement_paying_them(self):
        # Bob's statement holds a line of which Alice is the beneficiary
        self.Line.create(
            {
                "name": "Shared event reward",
                "employee_id": self.alice.id,
                "statement_id": self.bob_march.id,
                "amount": 100.0,
                "reason": "correction",
            }
        )
        self.user_alice.groups_id |= self.env.ref(GROUP % "approver_first")
        self.bob_march.with_user(self.user_manager).action_confirm()
        with self.assertRaisesRegex(UserError, "beneficiary of one of its lines"):
            self.bob_march.with_user(self.user_alice).validate_tier()

    def test_manager_cannot_approve_their_own_statement_without_tiers(self):
        self.env["tier.definition"].search(
            [("model", "=", "asm.statement")]
        ).active = False
        max_emp = self.env["hr.employee"].create(
            {"name": "Max Chen", "user_id": self.user_manager.id}
        )
        statement = self._create_statement(
            max_emp,
            "2025-03-01",
            "2025-03-31",
            [{"name": "Lost bid information", "amount": 300.0}],
        )
        with self.assertRaisesRegex(UserError, "is your own"):
            statement.with_user(self.user_manager).action_confirm()
        statement.action_confirm()  # by someone else
        with self.assertRaisesRegex(UserError, "is your own"):
            statement.with_user(self.user_manager).action_approve()
        self.assertEqual(statement.state, "confirmed")

    def test_officer_cannot_award_themselves(self):
        Award = self.env["asm.award"].with_user(self.user_officer)
        vals = {
            "name": "Entered ACME's supplier panel",
            "event_reward_id": self.reward_panel.id,
            "amount": 5000,
        }
        with self.assertRaisesRegex(UserError, "to yourself"):
            Award.create(dict(vals, employee_id=self.officer.id))
        # nor by drafting it for a colleague and moving it to oneself
        award = Award.create(dict(vals, employee_id=self.alice.id))
        with self.assertRaisesRegex(UserError, "to yourself"):
            award.employee_id = self.officer
        # an award created by someone else in the officer's name is not theirs to grant
        theirs = self.env["asm.award"].create(dict(vals, employee_id=self.officer.id))
        with self.assertRaisesRegex(UserError, "to yourself"):
            theirs.with_user(self.user_officer).action_confirm()
        self.assertEqual(theirs.state, "draft")
        self.assertFalse(theirs.sudo().line_ids)
        with self.assertRaisesRegex(UserError, "status of an award changes only"):
            award.write({"state": "done"})

    def test_award_above_threshold_needs_approval(self):
        Award = self.env["asm.award"].with_user(self.user_officer)
        vals = {
            "name": "Entered ACME's supplier panel",
            "event_reward_id": self.reward_panel.id,
            "employee_id": self.alice.id,
        }
        small = Award.create(dict(vals, amount=5000))
        small.action_confirm()
        self.assertEqual(small.state, "done", "5,000 is not above 5,000")
        self.assertEqual(small.sudo().line_ids.amount, 5000.0)
        big = Award.create(dict(vals, amount=8000))
        big.action_confirm()
        self.assertEqual(big.state, "confirmed")
        self.assertFalse(big.sudo().line_ids, "nothing is paid before approval")
        with self.assertRaisesRegex(UserError, "approved by its reviewers"):
            big.with_user(self.user_manager).action_approve()
        self.assertEqual(self._validate_tiers_as(big, self.user_manager), "done")
        line = big.sudo().line_ids
        self.assertEqual(
            (line.amount, line.kind, line.employee_id), (8000.0, "award", self.alice)
        )
        # the threshold is a company setting
        self.company.asm_award_approval_threshold = 10000
        other = Award.create(dict(vals, amount=8000, name="Second panel"))
        other.action_confirm()
        self.assertEqual(other.state, "done")

    def test_officer_awards_their_team_only(self):
        Award = self.env["asm.award"].with_user(self.user_officer)
        vals = {
            "name": "Panel",
            "event_reward_id": self.reward_panel.id,
            "amount": 5000,
        }
        with self.assertRaises(AccessError):
            Award.create(dict(vals, employee_id=self.bob.id))  # not in the team
        award = self.env["asm.award"].create(dict(vals, employee_id=self.bob.id))
        with self.assertRaises(AccessError):
            award.with_user(self.user_officer).read(["amount"])
        self.assertEqual(
            Award.create(dict(vals, employee_id=self.alice.id)).amount, 5000
        )

    def test_award_beneficiary_does_not_approve_it(self):
        max_emp = self.env["hr.employee"].create(
            {
                "name": "Max Chen",
                "user_id": self.user_manager.id,
                "department_id": self.dept_sales.id,
            }
        )
        award = (
            self.env["asm.award"]
            .with_user(self.user_officer)
            .create(
                {
                    "name": "Panel",
                    "event_reward_id": self.reward_panel.id,
                    "employee_id": max_emp.id,
                    "amount": 12000,
                }
            )
        )
        award.action_confirm()
        with self.assertRaisesRegex(UserError, "it pays you"):
            award.with_user(self.user_manager).validate_tier()
        self.assertEqual(award.state, "confirmed")

    # ------------------------------------------------------------ 5. audit trail
    def test_lines_are_never_edited_in_place(self):
        line = self.alice_march.line_ids
        for values in (
            {"amount": 6000.0},
            {"state": "void"},
            {"employee_id": self.bob.id},
            {"statement_id": False},
        ):
            with self.assertRaisesRegex(UserError, "never edited"):
                line.with_user(self.user_manager).write(values)
        self.assertEqual(line.amount, 600.0)

    def test_manual_adjustment_by_a_manager_with_a_reason(self):
        Line = self.Line.with_user(self.user_manager)
        vals = {"name": "Correction", "employee_id": self.alice.id, "amount": -100.0}
        with self.assertRaisesRegex(UserError, "needs a reason"):
            Line.create(vals)
        with self.assertRaisesRegex(UserError, "only records manual adjustments"):
            Line.create(dict(vals, reason="x", statement_id=self.alice_may.id))
        with self.assertRaisesRegex(UserError, "only records manual adjustments"):
            Line.create(dict(vals, reason="x", kind="earn"))
        with self.assertRaisesRegex(AccessError, "Only commission managers"):
            self.Line.with_user(self.user_officer).create(dict(vals, reason="x"))
        max_emp = self.env["hr.employee"].create(
            {"name": "Max Chen", "user_id": self.user_manager.id}
        )
        with self.assertRaisesRegex(UserError, "adjustment for yourself"):
            Line.create(dict(vals, reason="x", employee_id=max_emp.id, amount=500.0))
        with self.assertRaisesRegex(UserError, r"State \(state\)"):
            Line.create(dict(vals, reason="x", state="void"))
        line = Line.create(dict(vals, reason="Double-counted payment of 15 March"))
        self.assertEqual(
            (line.kind, line.state, line.amount), ("manual", "payable", -100.0)
        )
        self.assertFalse(line.statement_id)
        self.assertEqual(line.create_uid, self.user_manager)
        self.assertTrue(line.message_ids, "the creation is in the line's chatter")

    def test_statement_tracks_state_changes(self):
        self.alice_march.with_user(self.user_officer).action_confirm()
        self.env.cr.flush()  # tracking messages are written before the commit
        tracked = self.alice_march.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(tracked[:1].new_value_char, "Confirmed")
        self.assertEqual(
            self.alice_march.message_ids.filtered("tracking_value_ids")[:1].author_id,
            self.user_officer.partner_id,
        )

    # ------------------------------------------------ 6. confidential by default
    def test_default_template_groups_read_only_their_own(self):
        plain = self._new_user("asm_plain", "base.group_user", name="Pat Plain")
        with self.assertRaises(AccessError):
            self.Statement.with_user(plain).search([])
        for user in (self.user_account_admin,):
            self.assertFalse(
                self.Statement.with_user(user).search(
                    [("id", "in", self.all_statements.ids)]
                )
            )
            self.assertFalse(
                self.Line.with_user(user).search(
                    [("statement_id", "in", self.all_statements.ids)]
                )
            )
            with self.assertRaises(AccessError):
                self.bob_march.with_user(user).read(["amount_total"])

    def test_finance_group_reads_all(self):
        self.assertEqual(
            self.Statement.with_user(self.user_finance).search(
                [("id", "in", self.all_statements.ids)]
            ),
            self.all_statements,
        )
        self.assertEqual(
            sum(
                self.Line.with_user(self.user_finance)
                .search([("statement_id", "in", self.all_statements.ids)])
                .mapped("amount")
            ),
            600.0 + 6500.0 + 300.0,
        )

    # ------------------------------------------------ 7. server actions and rights
    def test_generation_is_for_managers(self):
        with self.assertRaisesRegex(
            AccessError, "Only commission managers can generate"
        ):
            self.Statement.with_user(self.user_officer)._generate_statements(
                "2025-03-01", "2025-03-31"
            )
        with self.assertRaises(AccessError):
            self.env["asm.statement.generate"].with_user(self.user_officer).create(
                {"date_from": "2025-03-01", "date_to": "2025-03-31"}
            )
        # a manager generates; the statements come back in the manager's rights
        line = self.Line.create(
            {
                "name": "Lost bid information",
                "employee_id": self.bob.id,
                "date": "2025-04-10",
                "amount": 300.0,
                "reason": "one-off",
            }
        )
        generated = self.Statement.with_user(self.user_manager)._generate_statements(
            "2025-04-01", "2025-04-30"
        )
        self.assertEqual(generated.line_ids, line)
        self.assertEqual(generated.amount_total, 300.0)
        self.assertFalse(generated.env.su)

    def test_workflow_buttons_check_the_group(self):
        self._approve(self.alice_march)
        for user in (self.user_officer, self.user_manager, self.user_account_admin):
            with self.assertRaisesRegex(AccessError, "Finance / Payroll Reviewer"):
                CoreStatement.action_mark_paid(self.alice_march.with_user(user))
        self.assertEqual(self.alice_march.state, "approved")
        with self.assertRaisesRegex(AccessError, "All-Staff Marketing / Officer"):
            self.alice_may.with_user(self.user_finance).action_confirm()
        with self.assertRaisesRegex(AccessError, "All-Staff Marketing / Officer"):
            self.alice_may.with_user(self.user_alice).action_cancel()
        award = self.env["asm.award"].create(
            {
                "name": "Panel",
                "event_reward_id": self.reward_panel.id,
                "employee_id": self.alice.id,
                "amount": 5000,
            }
        )
        with self.assertRaisesRegex(AccessError, "All-Staff Marketing / Officer"):
            award.with_user(self.user_bob).action_confirm()
        self.assertEqual(award.state, "draft")

    def test_manual_adjustment_form(self):
        """A manager records an adjustment through the line form, as in the UI."""
        with Form(self.Line.with_user(self.user_manager)) as form:
            form.name = "Correction of the March rate"
            form.employee_id = self.alice
            form.amount = 50.0
            form.reason = "Rate 1.05 % agreed for March"
        self.assertEqual(form.record.amount, 50.0)
        self.assertEqual(form.record.kind, "manual")
