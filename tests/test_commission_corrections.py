"""Clawbacks and corrections, never edits; idempotent generation; frozen statements."""

from datetime import date

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger
from odoo.tools.date_utils import end_of, start_of

from .commission_common import CommissionCase


class TestCommissionCorrections(CommissionCase):
    def _refund(self, invoice, amount, refund_date=date(2025, 4, 1)):
        return self._invoice(
            amount,
            move_type="out_refund",
            invoice_date=refund_date,
            due=refund_date,
            reversed_entry_id=invoice.id,
        )

    def _receivable(self, move):
        return move.line_ids.filtered(lambda line: line.display_type == "payment_term")

    def test_refund_half_claws_back_half(self):
        """Paid invoice, half refunded in cash: half of the 1,000 earned comes back."""
        invoice = self._invoice(100000, shares=(70, 30, 0))
        self._pay(invoice, 100000, date(2025, 3, 1))
        self.assertEqual(self._total(self._lines(invoice)), 1000)
        refund = self._refund(invoice, 50000)
        self.assertFalse(self._lines(invoice, kind="clawback"))  # nothing paid back yet
        self._pay(refund, 50000, date(2025, 4, 2))
        claws = self._lines(invoice, kind="clawback")
        self.assertEqual(
            {(c.employee_id, c.amount) for c in claws},
            {(self.referrer, -350), (self.salesperson, -150)},
        )
        self.assertEqual(self._total(self._lines(invoice)), 500)
        self.assertEqual(claws[0].date, date(2025, 4, 2))
        self.assertIn("50.0 %", claws[0].reason)

    def test_refund_claws_back_what_was_earned_after_deduction(self):
        """Paid 75 days late (500 earned), half refunded: -250, not -500."""
        invoice = self._invoice(100000)
        self._pay(invoice, 100000, date(2025, 5, 15))
        self.assertEqual(self._total(self._lines(invoice)), 500)
        self._pay(self._refund(invoice, 50000), 50000, date(2025, 6, 1))
        self.assertEqual(self._lines(invoice, kind="clawback").amount, -250)

    def test_credit_note_before_payment_is_neutral(self):
        """A credit note reconciled with its unpaid invoice only reduces what is due:
        paying the other half earns 500, with no clawback."""
        invoice = self._invoice(100000)
        refund = self._refund(invoice, 50000)  # Odoo reconciles it with the invoice
        self.assertEqual(refund.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 50000)
        self.assertFalse(self._lines(invoice))
        self._pay(invoice, 50000, date(2025, 3, 1))
        lines = self._lines(invoice)
        self.assertEqual(lines.mapped("kind"), ["earn"])
        self.assertEqual(lines.amount, 500)

    def test_unreconcile_reverses_and_repay_recreates(self):
        invoice = self._invoice(100000)
        payment = self._pay(invoice, 100000, date(2025, 3, 1))
        earned = self._lines(invoice)
        self.assertEqual(earned.amount, 1000)
        pay_line = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == self._receivable(invoice).account_id
        )
        self._receivable(invoice).remove_move_reconcile()
        self._run_job()
        reversal = self._lines(invoice, kind="reversal")
        self.assertEqual(reversal.amount, -1000)
        self.assertEqual(reversal.reversed_line_id, earned)
        self.assertEqual(reversal.date, fields.Date.context_today(self.Line))
        self.assertEqual(self._total(self._lines(invoice)), 0)
        self.assertEqual(earned.amount, 1000)  # never edited
        # paying again (the same payment reconciled again) produces new lines
        (pay_line | self._receivable(invoice)).reconcile()
        self._run_job()
        lines = self._lines(invoice)
        self.assertEqual(lines.mapped("kind"), ["earn", "reversal", "earn"])
        self.assertEqual(self._total(lines), 1000)
        # cancelling the payment reverses again
        payment.action_draft()
        payment.action_cancel()
        self._run_job()
        self.assertEqual(self._total(self._lines(invoice)), 0)
        self.assertEqual(len(self._lines(invoice, kind="reversal")), 2)

    def test_generation_is_idempotent(self):
        invoice = self._invoice(100000, shares=(70, 30, 0))
        payment = self._pay(invoice, 100000, date(2025, 3, 1))
        refund = self._refund(invoice, 10000)
        self._pay(refund, 10000, date(2025, 4, 2))
        lines = self._lines(invoice)
        self.assertEqual(len(lines), 4)
        partials = (
            self._receivable(invoice).matched_credit_ids
            | self._receivable(refund).matched_debit_ids
        )
        self.assertEqual(len(partials), 2)
        # hook, cron and button running again create nothing
        self.assertFalse(self.engine._process_partials(partials.ids))
        self.assertFalse(self.engine._recompute())
        self.assertFalse(self.engine._process_partials(partials.ids))
        self.assertEqual(self._lines(invoice), lines)
        # a reconciliation whose hook failed (so: no lines, queued) is caught by the
        # recompute, once
        self.env.cr.execute(
            "DELETE FROM asm_commission_line WHERE payment_move_id = %s",
            [payment.move_id.id],
        )
        self.Line.invalidate_model()
        self.assertFalse(self.engine._recompute())  # history is never rescanned
        self.env["asm.commission.queue"]._enqueue(
            self._receivable(invoice).matched_credit_ids, "process"
        )
        self.assertEqual(len(self.engine._recompute()), 2)
        self.assertFalse(self.engine._recompute())
        self.assertEqual(len(self._lines(invoice)), 4)
        # the database refuses a duplicate, whoever inserts it
        line = self._lines(invoice)[0]
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.Line.create(
                    {
                        "name": "duplicate",
                        "employee_id": line.employee_id.id,
                        "key": line.key,
                        "amount": 1,
                    }
                )
                self.env.flush_all()

    def test_approved_statement_is_frozen(self):
        invoice = self._invoice(100000)
        self._pay(invoice, 60000, date(2025, 3, 15))
        earned = self._lines(invoice)
        Statement = self.env["asm.statement"]
        march = Statement._generate_statements(date(2025, 3, 1), date(2025, 3, 31))
        self.assertEqual(march.employee_id, self.referrer)
        self.assertEqual(march.line_ids, earned)
        self.assertEqual(march.amount_total, 600)
        march.action_confirm()
        admin = self.env.ref("base.user_admin")
        # the data puts nobody in the approver groups: the admin reviews every level
        admin.groups_id |= (
            self.env.ref("all_staff_marketing.group_approver_first")
            | self.env.ref("all_staff_marketing.group_approver_second")
            | self.env.ref("all_staff_marketing.group_approver_final")
        )
        self.assertEqual(self._validate_tiers_as(march, admin), "approved")
        with self.assertRaisesRegex(UserError, "next statement"):
            earned.write({"amount": 1})
        with self.assertRaisesRegex(UserError, "next statement"):
            earned.unlink()
        with self.assertRaisesRegex(UserError, "next statement"):
            march.write({"date_to": date(2025, 4, 30)})
        with self.assertRaisesRegex(UserError, "next statement"):
            march.unlink()
        manual = self.Line.create(
            {"name": "Bonus", "employee_id": self.referrer.id, "amount": 10}
        )
        with self.assertRaisesRegex(UserError, "next statement"):
            manual.statement_id = march
        # the payment is unreconciled after approval: the correction is a new line
        self._receivable(invoice).remove_move_reconcile()
        self._run_job()
        self.assertEqual(earned.amount, 600)
        self.assertEqual(earned.statement_id, march)
        self.assertEqual(march.amount_total, 600)
        self.assertFalse(
            Statement._generate_statements(date(2025, 3, 1), date(2025, 3, 31))
        )
        today = fields.Date.context_today(self.Line)
        month = (start_of(today, "month"), end_of(today, "month"))
        nxt = Statement._generate_statements(*month)
        self.assertEqual(nxt.employee_id, self.referrer)
        self.assertEqual(sorted(nxt.line_ids.mapped("amount")), [-600, 10])
        self.assertEqual(nxt.amount_total, -590)
        # payroll can mark the approved statement paid; a cancelled one frees its lines
        march.action_mark_paid()
        self.assertEqual(march.state, "paid")
        nxt.action_cancel()
        self.assertFalse(nxt.line_ids)
        again = Statement._generate_statements(*month)
        self.assertNotEqual(again, nxt)
        self.assertEqual(again.amount_total, -590)

    def test_statement_generation_batches_employees(self):
        for employee in (self.referrer, self.marketer, self.manager_emp):
            invoice = self._invoice(100000, referrer=employee)
            self._pay(invoice, 100000, date(2025, 3, 1))
        wizard = self.env["asm.statement.generate"].create(
            {
                "date_from": date(2025, 3, 1),
                "date_to": date(2025, 3, 31),
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        action = wizard.action_generate()
        statements = self.env["asm.statement"].search(action["domain"])
        self.assertEqual(len(statements), 3)
        self.assertEqual(statements.mapped("amount_total"), [1000] * 3)
        self.assertEqual(statements.mapped("name")[0][:7], "2025-03")
        # lines arriving later in the period join the draft statement
        invoice = self._invoice(50000)
        self._pay(invoice, 50000, date(2025, 3, 20))
        wizard.action_generate()
        mine = statements.filtered(lambda s: s.employee_id == self.referrer)
        self.assertEqual(mine.amount_total, 1500)
