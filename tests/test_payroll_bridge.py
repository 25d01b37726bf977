from datetime import date

from odoo.exceptions import AccessError, UserError

from .statement_common import GROUP, PARTICIPANT, StatementCase, setup_payroll

CODE = "ASM_COMMISSION"


class TestPayrollBridge(StatementCase):
    """Approved statements reach the payslip of their period, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (
            cls.structure,
            cls.structure_plain,
            cls.commission_rule,
            cls.allowance,
        ) = setup_payroll(cls.env)
        cls.contract = cls.env["hr.contract"].create(
            {
                "name": "Alice 2025",
                "employee_id": cls.alice.id,
                "wage": 5000.0,
                "date_start": "2025-01-01",
                "struct_id": cls.structure.id,
                "state": "open",
            }
        )
        cls.user_payroll = cls._new_user(
            "asm_payroll", "base.group_user,payroll.group_payroll_manager"
        )

    def _payslip(self, date_from="2025-03-01", date_to="2025-03-31", structure=None):
        return (
            self.env["hr.payslip"]
            .with_user(self.user_payroll)
            .create(
                {
                    "name": f"Alice {date_from}",
                    "employee_id": self.alice.id,
                    "contract_id": self.contract.id,
                    "struct_id": (structure or self.structure).id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
        )

    def _commission_input(self, slip):
        return slip.input_line_ids.filtered(lambda line: line.code == CODE)

    def test_rule_and_category_are_data(self):
        category = self.commission_rule.category_id
        self.assertEqual(category.parent_id, self.allowance)
        self.assertEqual(self.commission_rule.input_ids.code, CODE)
        self.assertFalse(
            self.env["hr.payroll.structure"].search(
                [("rule_ids", "in", self.commission_rule.ids), ("code", "!=", "SALES")]
            ),
            "added to structures by configuration only",
        )

    def test_full_chain(self):
        statement = self.alice_march
        self._approve(statement)
        slip = self._payslip()
        slip.compute_sheet()
        self.assertEqual(self._commission_input(slip).amount, 600.0)
        self.assertEqual(statement.payslip_id, slip)
        self.assertEqual(statement.state, "approved", "paid on confirmation only")
        self.assertEqual(slip.get_salary_line_total(CODE), 600.0)
        self.assertEqual(slip.get_salary_line_total("GROSS"), 5600.0)
        slip.action_payslip_done()
        self.assertEqual(slip.state, "done")
        self.assertEqual(statement.state, "paid")
        self.assertEqual(statement.payslip_id, slip)
        self.assertEqual(slip.sudo().asm_statement_ids, statement)
        # a payslip of the same period does not pay it again
        other = self._payslip()
        other.compute_sheet()
        self.assertFalse(other.sudo().asm_statement_ids)
        self.assertEqual(other.get_salary_line_total("GROSS"), 5000.0)
        # cancelling the payslip makes the statement due again
        self.env["ir.config_parameter"].set_param("payroll.allow_cancel_payslips", True)
        slip.action_payslip_cancel()
        self.assertEqual(statement.state, "approved")
        self.assertFalse(statement.payslip_id)
        other.compute_sheet()
        self.assertEqual(statement.payslip_id, other)
        self.assertEqual(other.get_salary_line_total("GROSS"), 5600.0)
        third = self._payslip()
        third.compute_sheet()
        self.assertFalse(third.sudo().asm_statement_ids, "held by the other payslip")
        self.assertEqual(self._commission_input(third).amount, 0.0)
        other.action_payslip_done()
        self.assertEqual(statement.state, "paid")
        self.assertEqual(statement.payslip_id, other)

    def test_approved_after_the_payslip_was_computed(self):
        slip = self._payslip()
        slip.compute_sheet()
        self.assertFalse(self._commission_input(slip))
        self.assertEqual(slip.get_salary_line_total("GROSS"), 5000.0)
        self._approve(self.alice_march)
        slip.compute_sheet()
        self.assertEqual(self._commission_input(slip).amount, 600.0)
        self.assertEqual(slip.get_salary_line_total("GROSS"), 5600.0)

    def test_only_approved_statements_ending_in_the_period(self):
        self._approve(self.alice_may)
        self.alice_march.with_user(self.user_officer).action_confirm()  # in review
        march = self._payslip()
        march.compute_sheet()
        self.assertFalse(march.sudo().asm_statement_ids)
        quarter = self._payslip("2025-03-01", "2025-05-31")
        quarter.compute_sheet()
        self.assertEqual(quarter.sudo().asm_statement_ids, self.alice_may)
        self.assertEqual(self._commission_input(quarter).amount, 6500.0)
        self._validate(self.alice_march, self.reviewer_1)
        self._validate(self.alice_march, self.reviewer_2)
        quarter.compute_sheet()
        self.assertEqual(
            quarter.sudo().asm_statement_ids, self.alice_march | self.alice_may
        )
        self.assertEqual(self._commission_input(quarter).amount, 7100.0)
        self.assertEqual(quarter.get_salary_line_total("GROSS"), 12100.0)

    def test_reset_to_draft_releases(self):
        self._approve(self.alice_march)
        slip = self._payslip()
        slip.compute_sheet()
        self.assertEqual(self.alice_march.payslip_id, slip)
        slip.action_payslip_draft()
        self.assertFalse(self.alice_march.payslip_id)
        self.assertEqual(self.alice_march.state, "approved")

    def _paid_commissions(self):
        slips = self.env["hr.payslip"].search(
            [("employee_id", "=", self.alice.id), ("state", "=", "done")]
        )
        return sum(slips.mapped(lambda slip: slip.get_salary_line_total(CODE)))

    def test_two_payslips_never_pay_one_statement(self):
        """Issue #18: reset, claim elsewhere, confirm without computing."""
        self._approve(self.alice_march)
        first = self._payslip()
        first.compute_sheet()
        first.action_payslip_done()
        self.assertEqual(self.alice_march.state, "paid")
        first.action_payslip_draft()
        self.assertEqual(self._commission_input(first).amount, 0.0, "input removed")
        second = self._payslip()
        second.compute_sheet()
        second.action_payslip_done()
        self.assertEqual(self.alice_march.payslip_id, second)
        # OCA payroll's key skips the computation: the stale 600 line is refused
        with (
            self.assertRaisesRegex(UserError, "compute the sheet"),
            self.env.cr.savepoint(),
        ):
            first.with_context(without_compute_sheet=True).action_payslip_done()
        self.env.invalidate_all()
        self.assertEqual(first.state, "draft")
        first.compute_sheet()
        first.action_payslip_done()
        self.assertEqual(first.get_salary_line_total(CODE), 0.0)
        self.assertEqual(self._paid_commissions(), 600.0)
        self.assertEqual(self.alice_march.payslip_id, second)

    def test_confirmed_input_is_the_claimed_total(self):
        """An input typed by hand does not pay: confirming claims again."""
        self._approve(self.alice_march)
        slip = self._payslip()
        slip.compute_sheet()
        self._commission_input(slip).amount = 100000.0
        slip.with_context(without_compute_sheet=True).action_payslip_done()
        self.assertEqual(self._commission_input(slip).amount, 600.0)
        self.assertEqual(slip.get_salary_line_total(CODE), 600.0)
        self.assertEqual(self._paid_commissions(), 600.0)

    def test_structure_without_the_rule_pays_nothing(self):
        self._approve(self.alice_march)
        slip = self._payslip(structure=self.structure_plain)
        slip.compute_sheet()
        self.assertFalse(slip.sudo().asm_statement_ids)
        slip.action_payslip_done()
        self.assertEqual(self.alice_march.state, "approved")

    def test_warnings_when_payroll_cannot_pay(self):
        """Issue #24 item 4: a payslip without a running contract computed with no
        lines and said nothing; the commission silently waited."""
        # Bob has no contract; Bob is not in the officer's team: the manager confirms
        self._approve(self.bob_march, confirmed_by=self.user_manager)
        self.assertRegex(self.bob_march.asm_payroll_warning, "no running contract")
        slip = (
            self.env["hr.payslip"]
            .with_user(self.user_payroll)
            .create(
                {
                    "name": "Bob March",
                    "employee_id": self.bob.id,
                    "date_from": "2025-03-01",
                    "date_to": "2025-03-31",
                }
            )
        )
        self.assertRegex(
            slip.asm_commission_warning,
            r"1 approved commission statement\(s\) of Bob .*no running contract",
        )
        finance = self._new_user("asm_fin_w", "base.group_user," + GROUP % "finance")
        self.assertRegex(
            self.bob.with_user(finance).asm_payroll_warning, "no running contract"
        )
        # a contract whose structure lacks the commission rule
        self.env["hr.contract"].create(
            {
                "name": "Bob 2025",
                "employee_id": self.bob.id,
                "wage": 4000.0,
                "date_start": "2025-01-01",
                "struct_id": self.structure_plain.id,
                "state": "open",
            }
        )
        self.env.invalidate_all()
        self.assertRegex(
            self.bob_march.asm_payroll_warning,
            f"{self.structure_plain.name}.*has no commission rule",
        )
        slip.struct_id = self.structure_plain
        self.assertRegex(slip.asm_commission_warning, "has no commission rule")
        # Alice's contract pays: no warning, before and after her payslip
        self._approve(self.alice_march)
        self.assertFalse(self.alice_march.asm_payroll_warning)
        alice_slip = self._payslip()
        self.assertFalse(alice_slip.asm_commission_warning)
        alice_slip.compute_sheet()
        self.assertFalse(self.alice.with_user(finance).asm_payroll_warning)

    def test_inputs_of_a_new_payslip(self):
        self._approve(self.alice_march)
        slip = self.env["hr.payslip"].new(
            {
                "employee_id": self.alice.id,
                "contract_id": self.contract.id,
                "struct_id": self.structure.id,
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
            }
        )
        slip.onchange_struct_id()
        self.assertEqual(self._commission_input(slip).amount, 600.0)
        inputs = slip.get_inputs(self.contract, date(2025, 3, 1), date(2025, 3, 31))
        self.assertEqual(
            [(vals["code"], vals["amount"]) for vals in inputs], [(CODE, 600.0)]
        )

    def test_refund_gives_the_statement_back_once(self):
        self._approve(self.alice_march)
        slip = self._payslip()
        slip.action_payslip_done()
        self.assertEqual(self.alice_march.state, "paid")
        slip.refund_sheet()
        refund = slip.refunded_id
        self.assertTrue(refund.credit_note)
        self.assertEqual(self.alice_march.state, "approved")
        self.assertFalse(self.alice_march.payslip_id)
        self.assertFalse(refund.sudo().asm_statement_ids, "the refund claims nothing")
        self.assertEqual(self._commission_input(refund).amount, 600.0)
        self.assertIn(
            "unpaid again",
            self.alice_march.message_ids[:1].body,
            "logged in the chatter",
        )

    def test_statement_approved_after_its_payslip_lands_in_the_next(self):
        """Issue #8 item 9: March approved after the March payslip -> April pays."""
        march_slip = self._payslip()
        march_slip.action_payslip_done()
        self.assertEqual(march_slip.get_salary_line_total("GROSS"), 5000.0)
        self._approve(self.alice_march)
        april = self._payslip("2025-04-01", "2025-04-30")
        april.compute_sheet()
        self.assertEqual(self.alice_march.payslip_id, april)
        self.assertEqual(self._commission_input(april).amount, 600.0)
        self.assertEqual(april.get_salary_line_total("GROSS"), 5600.0)
        april.action_payslip_done()
        self.assertEqual(self.alice_march.state, "paid")
        # a refund of April gives it back, claimable once
        april.refund_sheet()
        self.assertEqual(self.alice_march.state, "approved")
        may = self._payslip("2025-05-01", "2025-05-31")
        may.compute_sheet()
        self.assertEqual(self.alice_march.payslip_id, may)
        self.assertEqual(self._commission_input(may).amount, 600.0)
        second_may = self._payslip("2025-05-01", "2025-05-31")
        second_may.compute_sheet()
        self.assertEqual(self.alice_march.payslip_id, may, "held by the first")
        self.assertEqual(self._commission_input(second_may).amount, 0.0)
        may.action_payslip_done()
        self.assertEqual(self.alice_march.state, "paid")
        third = self._payslip("2025-06-01", "2025-06-30")
        third.compute_sheet()
        self.assertEqual(self._commission_input(third).amount, 0.0)
        self.assertEqual(third.get_salary_line_total("GROSS"), 5000.0)

    def test_payroll_manager_pays_but_does_not_read(self):
        """Payroll groups (in Odoo's default user template) read no statement."""
        self._approve(self.alice_march)
        slip = self._payslip()  # as the payroll manager, no All-Staff group
        slip.compute_sheet()
        slip.action_payslip_done()
        self.assertEqual(self.alice_march.state, "paid")
        self.assertEqual(slip.get_salary_line_total(CODE), 600.0)
        with self.assertRaises(AccessError):
            self.alice_march.with_user(self.user_payroll).read(["amount_total"])
        with self.assertRaises(AccessError):
            self.alice_march.line_ids.with_user(self.user_payroll).read(["amount"])
        # a new user with the default template's groups, made a participant
        user = self._new_user(
            "asm_template",
            PARTICIPANT
            + ",account.group_account_manager,payroll.group_payroll_manager",
        )
        self.env["hr.employee"].create({"name": "Tess Template", "user_id": user.id})
        statements = self.alice_march | self.alice_may | self.bob_march
        self.assertFalse(
            self.Statement.with_user(user).search([("id", "in", statements.ids)])
        )
        self.assertFalse(
            self.Line.with_user(user).search([("statement_id", "in", statements.ids)])
        )
        # someone outside payroll cannot claim statements through a payslip
        with self.assertRaisesRegex(AccessError, "Only payroll users"):
            self.env["hr.payslip"].with_user(
                self.user_alice
            )._get_asm_claimable_statements(
                self.alice, date(2025, 3, 1), date(2025, 3, 31)
            )

    def test_default_template_gives_no_payroll_rights(self):
        """OCA payroll put its administrators in the default user template, so
        every new user read every payslip and its commission input: no more."""
        template = self.env.ref("base.default_user")
        payroll_groups = self.env.ref("payroll.group_payroll_user") | self.env.ref(
            "payroll.group_payroll_manager"
        )
        self.assertFalse(template.groups_id & payroll_groups)
        self._approve(self.alice_march)
        slip = self._payslip()
        slip.compute_sheet()
        self.assertEqual(self._commission_input(slip).amount, 600.0)
        # a user made from the template, as Settings > Users > New does
        newcomer = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create({"name": "Nina Newcomer", "login": "asm_newcomer"})
        )
        self.assertTrue(newcomer.has_group("base.group_user"))
        self.assertFalse(newcomer.groups_id & payroll_groups)
        with self.assertRaises(AccessError):
            slip.with_user(newcomer).read(["name"])
        with self.assertRaises(AccessError):
            self._commission_input(slip).with_user(newcomer).read(["amount"])
        # the payroll groups stay with who was given them on purpose
        self.assertTrue(self.user_payroll.has_group("payroll.group_payroll_manager"))

    def test_paid_by_payroll_only(self):
        finance = self._new_user("asm_fin_p", "base.group_user," + GROUP % "finance")
        self._approve(self.alice_march)
        with self.assertRaisesRegex(UserError, "paid by payroll"):
            self.alice_march.with_user(finance).action_mark_paid()
        slip = self._payslip()
        slip.action_payslip_done()
        self.assertEqual(self.alice_march.state, "paid")
        with self.assertRaisesRegex(UserError, "cancel or refund that payslip"):
            self.alice_march.with_user(finance).action_undo_payment()
        with self.assertRaisesRegex(UserError, "change only through its buttons"):
            self.alice_march.with_user(finance).write(
                {"state": "approved", "payslip_id": False}
            )
        self.assertEqual(self.alice_march.state, "paid")
        self.assertEqual(self.alice_march.payslip_id, slip)
