from odoo.exceptions import AccessError

from .statement_common import GROUP, StatementCase


class TestStatementAccess(StatementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_finance = cls._new_user(
            "asm_finance", "base.group_user,all_staff_marketing.group_finance"
        )
        cls.user_accounting = cls._new_user(
            "asm_accounting", "base.group_user,account.group_account_manager"
        )
        cls.all_statements = cls.alice_march | cls.alice_may | cls.bob_march

    def _visible(self, user):
        return self.Statement.with_user(user).search(
            [("id", "in", self.all_statements.ids)]
        )

    def test_participant_reads_only_their_own(self):
        self.assertEqual(
            self._visible(self.user_alice), self.alice_march | self.alice_may
        )
        self.assertEqual(self.alice_may.with_user(self.user_alice).amount_total, 6500.0)
        self.assertEqual(
            self.Line.with_user(self.user_alice).search_count(
                [("statement_id", "in", self.all_statements.ids)]
            ),
            3,
        )
        with self.assertRaises(AccessError):
            self.bob_march.with_user(self.user_alice).read(["amount_total"])
        with self.assertRaises(AccessError):
            self.bob_march.line_ids.with_user(self.user_alice).read(["amount"])
        with self.assertRaises(AccessError):
            self.alice_march.with_user(self.user_alice).action_confirm()

    def test_officer_reads_the_team(self):
        self.assertEqual(
            self._visible(self.user_officer), self.alice_march | self.alice_may
        )
        with self.assertRaises(AccessError):
            self.bob_march.with_user(self.user_officer).read(["amount_total"])
        # direct reports count as team too
        self.bob.parent_id = self.officer
        self.assertEqual(self._visible(self.user_officer), self.all_statements)

    def test_manager_and_finance_read_all(self):
        self.assertEqual(self._visible(self.user_manager), self.all_statements)
        self.assertEqual(self._visible(self.user_finance), self.all_statements)
        # accounting administrators (Odoo's default user template) read nothing
        with self.assertRaises(AccessError):
            self._visible(self.user_accounting)

    def test_reviewers_read_what_they_review(self):
        self.assertFalse(self._visible(self.reviewer_1))
        self.alice_march.with_user(self.user_officer).action_confirm()
        self.assertEqual(self._visible(self.reviewer_1), self.alice_march)
        self.assertEqual(self._visible(self.reviewer_2), self.alice_march)
        self.assertFalse(self._visible(self.reviewer_3), "600 needs no final level")
        lines = self.alice_march.line_ids.with_user(self.reviewer_1)
        self.assertEqual(lines.read(["amount"])[0]["amount"], 600.0)
        with self.assertRaises(AccessError):
            self.alice_march.with_user(self.reviewer_1).check_access("write")

    def test_approver_groups_are_participants(self):
        participant = self.env.ref(GROUP % "participant")
        for level in ("first", "second", "final"):
            group = self.env.ref(GROUP % f"approver_{level}")
            self.assertIn(participant, group.implied_ids)

    def test_views_carry_the_review_widget(self):
        view = self.Statement.with_user(self.user_alice).get_view(view_type="form")
        arch = view["arch"]
        arch = arch.decode() if isinstance(arch, bytes) else arch
        for snippet in ('name="validate_tier"', 'name="reject_tier"', "review_ids"):
            self.assertIn(snippet, arch)
        list_arch = self.Statement.get_view(view_type="list")["arch"]
        self.assertIn("validation_status", str(list_arch))
