from odoo.exceptions import UserError, ValidationError

from .statement_common import StatementCase


class TestStatementApproval(StatementCase):
    def _messages(self, statement):
        return "\n".join(statement.message_ids.mapped("body"))

    def test_default_chain_is_data_managers_edit(self):
        tiers = self.env["tier.definition"].search([("model", "=", "asm.statement")])
        first = self.env.ref("all_staff_marketing.tier_definition_statement_first")
        second = self.env.ref("all_staff_marketing.tier_definition_statement_second")
        final = self.env.ref("all_staff_marketing.tier_definition_statement_final")
        self.assertEqual(tiers, first | second | final)
        self.assertTrue(all(tiers.mapped("approve_sequence")))
        self.assertTrue(all(tiers.mapped("has_comment")))
        self.assertEqual(
            first.reviewer_group_id,
            self.env.ref("all_staff_marketing.group_approver_first"),
        )
        self.assertIn(
            "asm.statement",
            self.env["tier.definition"]._get_tier_validation_model_names(),
        )
        # an All-Staff Marketing manager edits the threshold of the final level
        final.with_user(
            self.user_manager
        ).definition_domain = "[('amount_total', '>', 100000)]"
        # ... but not the tiers of other models
        other = self.env["tier.definition"].create(
            {
                "name": "Partner tier",
                "model_id": self.env.ref("base.model_res_partner").id,
                "review_type": "individual",
                "reviewer_id": self.user_manager.id,
            }
        )
        with self.assertRaises(UserError):
            other.with_user(self.user_manager).name = "Hijacked"

    def test_two_levels_in_order(self):
        statement = self.alice_march
        self.assertEqual(statement.amount_total, 600.0)
        statement.with_user(self.user_officer).action_confirm()
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(len(statement.review_ids), 2, "600 is below the threshold")
        self.assertTrue(statement.with_user(self.reviewer_1).can_review)
        # the reviewers were asked through the chatter
        self.assertIn(self.reviewer_1.partner_id, statement.message_partner_ids)
        self.assertFalse(statement.with_user(self.reviewer_2).can_review)
        with self.assertRaises(UserError):
            statement.with_user(self.reviewer_2).validate_tier()
        self._validate(statement, self.reviewer_1, "Checked against the bank")
        self.assertEqual(statement.state, "confirmed")
        self.assertFalse(statement.with_user(self.reviewer_1).can_review)
        self.assertTrue(statement.with_user(self.reviewer_2).can_review)
        self._validate(statement, self.reviewer_2)
        self.assertEqual(statement.state, "approved")
        self.assertEqual(statement.validation_status, "validated")
        reviews = statement.review_ids.sorted("sequence")
        self.assertEqual(reviews.mapped("done_by"), self.reviewer_1 | self.reviewer_2)
        self.assertEqual(reviews[0].comment, "Checked against the bank")

    def test_large_statement_needs_the_final_level(self):
        statement = self._create_statement(
            self.alice,
            "2025-06-01",
            "2025-06-30",
            [
                {
                    "name": "Metro station contract 4,000,000 at 1.5 %",
                    "base_amount": 4000000.0,
                    "rate": 1.5,
                    "gross_amount": 60000.0,
                    "amount": 60000.0,
                }
            ],
        )
        statement.with_user(self.user_officer).action_confirm()
        self.assertEqual(len(statement.review_ids), 3)
        self._validate(statement, self.reviewer_1)
        self._validate(statement, self.reviewer_2)
        self.assertEqual(statement.state, "confirmed", "the final level is missing")
        with self.assertRaises(UserError):
            statement.with_user(self.reviewer_1).validate_tier()
        self._validate(statement, self.reviewer_3)
        self.assertEqual(statement.state, "approved")

    def test_threshold_is_configuration(self):
        final = self.env.ref("all_staff_marketing.tier_definition_statement_final")
        final.definition_domain = "[('amount_total', '>', 500)]"
        self.alice_march.with_user(self.user_officer).action_confirm()
        self.assertEqual(len(self.alice_march.review_ids), 3, "600 > 500")

    def test_rejection_back_to_draft_with_comment(self):
        statement = self.alice_march
        statement.with_user(self.user_officer).action_confirm()
        self._validate(statement, self.reviewer_1)
        self._reject(statement, self.reviewer_2, "Payment of 15 March not received")
        self.assertEqual(statement.state, "draft")
        self.assertEqual(statement.validation_status, "rejected")
        # the reviewer still reads what they rejected
        self.assertEqual(statement.with_user(self.reviewer_2).state, "draft")
        self.assertIn("Payment of 15 March not received", self._messages(statement))
        self.assertIn("Roy Two", self._messages(statement))
        # the period stays (corrections are lines), then a new round of reviews
        with self.assertRaisesRegex(UserError, "change only through its buttons"):
            statement.with_user(self.user_officer).date_to = "2025-03-30"
        statement.with_user(self.user_officer).action_confirm()
        self.assertEqual(len(statement.review_ids), 2)
        self.assertEqual(
            set(statement.review_ids.mapped("status")), {"pending", "waiting"}
        )

    def test_read_only_under_review_and_once_approved(self):
        statement = self.alice_march
        statement.with_user(self.user_officer).action_confirm()
        with self.assertRaisesRegex(UserError, "change only through its buttons"):
            statement.with_user(self.user_officer).date_to = "2025-03-30"
        with self.assertRaises(ValidationError):
            statement.with_user(self.user_manager).action_cancel()
        with self.assertRaisesRegex(UserError, "approved by its reviewers"):
            statement.with_user(self.user_manager).action_approve()
        self._validate(statement, self.reviewer_1)
        self._validate(statement, self.reviewer_2)
        self.assertEqual(statement.state, "approved")
        with self.assertRaisesRegex(UserError, "change only through its buttons"):
            statement.with_user(self.user_manager).date_to = "2025-03-30"
        with self.assertRaises(ValidationError):
            statement.date_to = "2025-03-30"
        with self.assertRaises(ValidationError):
            statement.write({"line_ids": [(5, 0, 0)]})
        with self.assertRaises(UserError):
            statement.with_user(self.user_manager).action_draft()
        statement.sudo().action_mark_paid()  # the system's step (payroll)
        self.assertEqual(statement.state, "paid")
        with self.assertRaises(ValidationError):
            statement.employee_id = self.bob

    def test_withdraw_while_under_review(self):
        statement = self.alice_march
        statement.with_user(self.user_officer).action_confirm()
        statement.with_user(self.user_officer).action_draft()
        self.assertEqual(statement.state, "draft")
        self.assertFalse(statement.review_ids)

    def test_without_applicable_tier_the_manager_approves(self):
        self.env["tier.definition"].search(
            [("model", "=", "asm.statement")]
        ).active = False
        self.alice_march.with_user(self.user_officer).action_confirm()
        self.assertFalse(self.alice_march.review_ids)
        self.alice_march.with_user(self.user_manager).action_approve()
        self.assertEqual(self.alice_march.state, "approved")
