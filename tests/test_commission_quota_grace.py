"""Quota months close after a grace period; late lines are evaluated against their
month and land in the next statement (issue #8, item 8)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools.date_utils import end_of, start_of

from .commission_common import CommissionCase


class TestQuotaGrace(CommissionCase):
    """Sales (business) quota 100,000 a month; 1 % rule; grace 5 days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["asm.commission.line"])
        # a day of a month whose grace period ended long ago (closed)
        cls.closed_day = start_of(cls.today, "month") - timedelta(days=40)
        cls.closed_month = start_of(cls.closed_day, "month").strftime("%Y-%m")

    def _sale(self, employee, amount, pay_date):
        invoice = self._invoice(
            amount,
            referrer=employee,
            invoice_date=pay_date - timedelta(days=5),
            due=pay_date + timedelta(days=30),
        )
        self._pay(invoice, amount, pay_date)
        return self._lines(invoice)

    def test_late_payment_in_closed_month_released_to_next_statement(self):
        # registered today, dated in a closed month; 120,000 >= 100,000: met
        line = self._sale(self.business_emp, 120000, self.closed_day)
        self.assertEqual((line.state, line.amount), ("payable", 1200))
        self.assertFalse(line.reason)
        # the next statement (last month's) takes it although it is dated earlier
        last_month = self.today - relativedelta(months=1)
        period = (start_of(last_month, "month"), end_of(last_month, "month"))
        statements = self.env["asm.statement"]._generate_statements(
            *period, self.company
        )
        statement = statements.filtered(lambda s: s.employee_id == self.business_emp)
        self.assertEqual(line.statement_id, statement)
        self.assertLess(line.date, statement.date_from)
        self.assertEqual(statement.amount_total, 1200)

    def test_late_payment_in_closed_month_unmet_is_voided_evaluated(self):
        line = self._sale(self.business_emp, 40000, self.closed_day)
        # evaluated at once against its month: 40,000 of 100,000
        self.assertEqual(line.state, "void")
        self.assertIn("Monthly quota not met", line.reason)
        self.assertIn("40,000.00", line.reason)
        self.assertIn("100,000.00", line.reason)
        self.assertTrue(line.reason.endswith(f" in {self.closed_month}"))
        self.assertEqual(line.amount, 400)  # kept, to explain
        self.assertFalse(
            self.env["asm.statement"]._generate_statements(
                start_of(self.today, "month"), self.today, self.company
            )
        )
        # a second late payment of that month completes the quota (110,000): it is
        # released; the first one stays void (a closed month's decisions are final)
        second = self._sale(self.business_emp, 70000, self.closed_day)
        self.assertEqual((second.state, second.amount), ("payable", 700))
        self.assertEqual(line.state, "void")

    def test_month_within_grace_is_not_closed(self):
        line = self._sale(self.business_emp2, 40000, self.today)
        self.assertEqual(line.state, "on_hold")
        month_end = end_of(self.today, "month")
        self.Line._cron_update_quota_states(today=month_end + timedelta(days=5))
        self.assertEqual(line.state, "on_hold")
        # a longer grace keeps it open longer; 0 closes it the day after
        self.company.asm_quota_grace_days = 10
        self.Line._cron_update_quota_states(today=month_end + timedelta(days=10))
        self.assertEqual(line.state, "on_hold")
        self.company.asm_quota_grace_days = 0
        self.Line._cron_update_quota_states(today=month_end + timedelta(days=1))
        self.assertEqual(line.state, "void")
        self.assertIn("Monthly quota not met", line.reason)


class TestQuotaDecidedOnTheWholeQueue(CommissionCase):
    """A backlog of payments in a closed month is judged on all of them, whatever the
    batches or workers that computed them (issue 9): sales quota 100,000, 1 % rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["asm.commission.line"])
        cls.closed_day = start_of(cls.today, "month") - timedelta(days=40)
        cls.Queue = cls.env["asm.commission.queue"].sudo()

    def _queue_sale(self, amount):
        invoice = self._invoice(
            amount,
            referrer=self.business_emp,
            invoice_date=self.closed_day - timedelta(days=5),
            due=self.closed_day + timedelta(days=30),
        )
        self._pay(invoice, amount, self.closed_day, run_job=False)
        return invoice

    def test_backlog_met_in_small_batches_is_released(self):
        # 40,000 + 70,000 = 110,000 >= 100,000, one reconciliation per batch: the
        # first batch alone (40,000) must not close the month
        invoices = [self._queue_sale(amount) for amount in (40000, 70000)]
        self.assertEqual(self.engine._cron_recompute(batch_size=1), 2)
        lines = self._lines(invoices[0]) | self._lines(invoices[1])
        self.assertEqual(lines.mapped("state"), ["payable", "payable"])
        self.assertEqual(sorted(lines.mapped("amount")), [400, 700])

    def test_backlog_unmet_is_voided_with_the_month_total(self):
        invoices = [self._queue_sale(amount) for amount in (40000, 50000)]
        self.engine._cron_recompute(batch_size=1)
        lines = self._lines(invoices[0]) | self._lines(invoices[1])
        self.assertEqual(lines.mapped("state"), ["void", "void"])
        for line in lines:
            self.assertIn("90,000.00", line.reason)  # the whole month, not 40,000
            self.assertIn("100,000.00", line.reason)

    def test_no_decision_while_work_is_queued(self):
        first = self._queue_sale(40000)
        second = self._queue_sale(70000)
        row = self.Queue.search([("invoice_id", "=", first.id)])
        # another worker computed the first payment and found the second still
        # queued: the month stays open (on hold), the daily cron does not close it
        self.Queue._run_batch(10, ids=row.ids)
        self.assertFalse(self.Queue._decide_quotas())
        self.Line._cron_update_quota_states()
        self.assertEqual(self._lines(first).state, "on_hold")
        # the worker that empties the queue decides on both
        self.assertEqual(self.engine._cron_recompute(), 1)
        self.assertEqual(self._lines(first).state, "payable")
        self.assertEqual(self._lines(second).state, "payable")

    def test_failed_row_does_not_block_decisions(self):
        failing = self._queue_sale(70000)
        self.Queue.search([("invoice_id", "=", failing.id)]).write(
            {"error": "bad reconciliation", "attempts": 1}
        )
        self.assertTrue(self.Queue._is_idle())
        # a row behind the failed one (its reversal) does not block either
        partial = failing.line_ids.matched_credit_ids
        partial.unlink()
        self.assertEqual(
            self.Queue.search([("partial_id", "=", partial.id)]).mapped("operation"),
            ["process", "reverse"],
        )
        self.assertTrue(self.Queue._is_idle())
        invoice = self._queue_sale(40000)
        self.assertFalse(self.Queue._is_idle())
        self.engine._cron_recompute()
        line = self._lines(invoice)
        self.assertEqual(line.state, "void")
        self.assertIn("40,000.00", line.reason)
