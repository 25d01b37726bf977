"""The commission engine is off the payment path (issue 9): reconciliations only
queue rows, a triggered background job computes the lines (batches claimed with
SELECT ... FOR UPDATE SKIP LOCKED)."""

from datetime import date, timedelta
from unittest.mock import patch

from psycopg2 import errors as pg_errors

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from .commission_common import CommissionCase

QUEUE_LOGGER = "odoo.addons.all_staff_marketing.models.asm_commission_queue"
PAID = date(2025, 3, 1)


class TestCommissionQueue(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Queue = cls.env["asm.commission.queue"]
        cls.cron = cls.env.ref("all_staff_marketing.ir_cron_asm_commission_queue")
        cls.manager = cls._new_user(
            "asm_q_manager", "base.group_user,all_staff_marketing.group_manager"
        )
        cls.officer = cls._new_user(
            "asm_q_officer", "base.group_user,all_staff_marketing.group_officer"
        )

    def _receivable(self, move):
        return move.line_ids.filtered(lambda line: line.display_type == "payment_term")

    def _queued(self, invoice=None):
        domain = [("invoice_id", "=", invoice.id)] if invoice else []
        return self.Queue.search(domain)

    # ------------------------------------------------------------------
    def test_payment_only_queues_then_job_computes_once(self):
        """100,000 paid in full, shares 70/30: nothing while paying; the job makes
        700 for the referrer and 300 for the salesperson (1 %), exactly once."""
        invoice = self._invoice(100000, shares=(70, 30, 0))
        self._pay(invoice, 100000, PAID, run_job=False)
        self.assertFalse(self._lines(invoice))
        queued = self._queued()
        self.assertEqual(len(queued), 1)
        self.assertEqual(
            (queued.operation, queued.invoice_id, queued.partial_id),
            ("process", invoice, self._receivable(invoice).matched_credit_ids.id),
        )
        self.assertFalse(queued.error)
        self.assertEqual(queued.attempts, 0)
        # the job is woken up at once (after the commit), not at its next interval
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        )
        self.assertTrue(invoice.asm_commission_pending)
        self.assertEqual(self._run_job(), 1)
        lines = self._lines(invoice)
        self.assertEqual(
            sorted((line.employee_id.name, line.amount) for line in lines),
            [("Rita Referrer", 700), ("Sam Salesperson", 300)],
        )
        self.assertFalse(self._queued())
        invoice.invalidate_recordset(["asm_commission_pending"])
        self.assertFalse(invoice.asm_commission_pending)
        # running again, or the same reconciliation queued again: nothing more
        self.assertEqual(self._run_job(), 0)
        partial = self._receivable(invoice).matched_credit_ids
        self.env.cr.execute(
            """
            INSERT INTO asm_commission_queue (partial_id, company_id, operation,
                create_date, write_date, create_uid, write_uid)
            SELECT id, company_id, 'process', now(), now(), 1, 1
              FROM account_partial_reconcile WHERE id = %s
            """,
            [partial.id],
        )
        self.assertEqual(self._run_job(), 1)
        self.assertEqual(self._lines(invoice), lines)
        self.assertEqual(self._total(self._lines(invoice)), 1000)

    def test_unattributed_payment_is_not_queued(self):
        invoice = self._invoice(100000)
        invoice.button_draft()
        invoice.referrer_id = False
        invoice.action_post()
        self._pay(invoice, 100000, PAID, run_job=False)
        self.assertFalse(self._queued())

    def test_empty_run_costs_one_query(self):
        """Whatever the history (here 3 paid invoices), an empty queue is one query."""
        for amount in (10000, 20000, 30000):
            self._pay(self._invoice(amount), amount, PAID)
        self.assertEqual(len(self.Line.search([("kind", "=", "earn")])), 3)
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.assertEqual(self.engine._cron_recompute(), 0)
        with self.assertQueryCount(1):
            self.assertEqual(self.Queue._process_batch(), 0)

    def test_batch_queries_do_not_grow_with_the_batch(self):
        """A batch costs the same number of queries for 2 or 6 payments; 10,000 x k
        paid (k = 1..n) earns 100 x k each."""
        warm = self._invoice(5000)
        self._pay(warm, 5000, PAID)  # caches (rules, company) warmed by one run
        counts = []
        for n in (2, 6):
            invoices = [self._invoice(10000 * (k + 1)) for k in range(n)]
            for invoice in invoices:
                self._pay(invoice, invoice.amount_total, PAID, run_job=False)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.assertEqual(self.Queue._process_batch(), n)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(
                [self._lines(invoice).amount for invoice in invoices],
                [100.0 * (k + 1) for k in range(n)],
            )
        self.assertEqual(counts[0], counts[1], counts)

    def test_payment_hook_queries(self):
        """The payment path: one INSERT (plus savepoint and the job's trigger)."""
        invoice = self._invoice(100000)
        self._pay(invoice, 100000, PAID, run_job=False)
        partial = self._receivable(invoice).matched_credit_ids
        self.env.cr.execute("DELETE FROM asm_commission_queue")
        self.env.cr.precommit.data.pop("asm_commission_queue_triggered", None)
        self.env.flush_all()
        # SAVEPOINT, INSERT ... SELECT ... ON CONFLICT, the cron's trigger (is it
        # active, INSERT), RELEASE
        before = self.env.cr.sql_log_count
        partial._asm_enqueue("process")
        self.assertEqual(self.env.cr.sql_log_count - before, 5)
        self.assertEqual(len(self._queued()), 1)
        # once per transaction: the next reconciliation does not trigger again
        self.env.cr.execute("DELETE FROM asm_commission_queue")
        before = self.env.cr.sql_log_count
        partial._asm_enqueue("process")
        self.assertEqual(self.env.cr.sql_log_count - before, 3)
        self.assertEqual(len(self._queued()), 1)

    def test_unreconcile_queues_reverse_and_job_reverses(self):
        """Paid 100,000 (1,000 earned), then unreconciled: -1,000 by the job."""
        invoice = self._invoice(100000)
        self._pay(invoice, 100000, PAID)
        earned = self._lines(invoice)
        self.assertEqual(earned.amount, 1000)
        self._receivable(invoice).remove_move_reconcile()
        self.assertEqual(self._queued().mapped("operation"), ["reverse"])
        self.assertEqual(self._lines(invoice), earned)  # not yet
        self.assertEqual(self._run_job(), 1)
        reversal = self._lines(invoice, kind="reversal")
        self.assertEqual(reversal.reversed_line_id, earned)
        self.assertEqual(reversal.amount, -1000)
        self.assertEqual(self._total(self._lines(invoice)), 0)
        self.assertFalse(self._queued())

    def test_process_and_reverse_queued_before_job_net_zero(self):
        """Paid then unreconciled before the job ran: no line at all; paid again
        (the same payment reconciled again) before the job: 1,000 once."""
        invoice = self._invoice(100000)
        self._pay(invoice, 100000, PAID, run_job=False)
        self._receivable(invoice).remove_move_reconcile()
        self.assertEqual(self._queued().mapped("operation"), ["process", "reverse"])
        self.assertEqual(self._run_job(), 2)
        self.assertFalse(self._lines(invoice))
        self.assertFalse(self._queued())
        # again, with a new reconciliation of the same payment queued too
        self._pay(self._invoice(50000), 50000, PAID, run_job=False)  # unrelated
        invoice2 = self._invoice(100000)
        payment2 = self._pay(invoice2, 100000, PAID, run_job=False)
        self._receivable(invoice2).remove_move_reconcile()
        pay_line = payment2.move_id.line_ids.filtered(
            lambda line: line.account_id == self._receivable(invoice2).account_id
        )
        (pay_line | self._receivable(invoice2)).reconcile()
        self.assertEqual(
            self._queued(invoice2).mapped("operation"),
            ["process", "reverse", "process"],
        )
        self._run_job()
        lines = self._lines(invoice2)
        self.assertEqual(lines.mapped("kind"), ["earn"])
        self.assertEqual(lines.amount, 1000)
        partial = self._receivable(invoice2).matched_credit_ids
        self.assertEqual(lines.partial_id, partial.id)
        self.assertFalse(self._lines(invoice))

    def test_failure_mid_batch_keeps_row_and_retries(self):
        """Three payments in one batch, the engine fails on the second: the other two
        are computed (1,000 and 300), the second stays queued with its error and is
        computed by the next run once its retry time has come (500)."""
        invoices = [self._invoice(amount) for amount in (100000, 50000, 30000)]
        for invoice in invoices:
            self._pay(invoice, invoice.amount_total, PAID, run_job=False)
        poisoned = self._receivable(invoices[1]).matched_credit_ids.id
        engine_class = type(self.engine)
        original = engine_class._process_partials

        def flaky(model, partial_ids):
            if poisoned in partial_ids:
                raise RuntimeError("bad reconciliation")
            return original(model, partial_ids)

        with (
            patch.object(engine_class, "_process_partials", flaky),
            mute_logger(QUEUE_LOGGER),
        ):
            self.assertEqual(self._run_job(), 3)
        self.assertEqual(self._lines(invoices[0]).amount, 1000)
        self.assertFalse(self._lines(invoices[1]))
        self.assertEqual(self._lines(invoices[2]).amount, 300)
        queued = self._queued()
        self.assertEqual(queued.partial_id, poisoned)
        self.assertEqual((queued.error, queued.attempts), ("bad reconciliation", 1))
        self.assertTrue(queued.retry_after)
        # before its retry time the job leaves it alone (no hot loop on a bad row)
        self.assertEqual(self._run_job(), 0)
        queued.sudo().retry_after = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(self._run_job(), 1)
        self.assertEqual(self._lines(invoices[1]).amount, 500)
        self.assertFalse(self._queued())
        self.assertEqual([len(self._lines(invoice)) for invoice in invoices], [1, 1, 1])

    def test_invoice_work_runs_in_queue_order(self):
        """60,000 then 40,000 paid on one 100,000 invoice (1 %, 70/30). While the
        first payment's row waits (a failed row before its retry time, or a row
        another worker holds), the second is not computed before it; then both are:
        420 + 280 and 180 + 120 = 1,000."""
        invoice = self._invoice(100000, shares=(70, 30, 0))
        self._pay(invoice, 60000, PAID, run_job=False)
        self._pay(invoice, 40000, PAID, run_job=False)
        first, second = self._queued(invoice).sorted("id")
        first.sudo().retry_after = fields.Datetime.now() + timedelta(hours=1)
        self.assertEqual(self._run_job(), 0)
        self.assertFalse(self._lines(invoice))
        self.assertTrue(second.exists())
        first.sudo().retry_after = False
        self.assertEqual(self._run_job(), 2)
        lines = self._lines(invoice)
        self.assertEqual(
            sorted((line.employee_id.name, line.amount) for line in lines),
            [
                ("Rita Referrer", 280),
                ("Rita Referrer", 420),
                ("Sam Salesperson", 120),
                ("Sam Salesperson", 180),
            ],
        )
        self.assertEqual(sum(lines.mapped("amount")), 1000)

    def test_retry_now_button_is_for_managers(self):
        invoice = self._invoice(100000)
        self._pay(invoice, 100000, PAID, run_job=False)
        queued = self._queued()
        with self.assertRaises(UserError):
            queued.with_user(self.officer).action_retry()
        action = queued.with_user(self.manager).action_retry()
        self.assertIn("1 commission line(s) added", action["params"]["message"])
        self.assertEqual(self._lines(invoice).amount, 1000)
        self.assertFalse(self._queued())

    def test_being_computed_is_shown_to_managers(self):
        """60,000 paid (600), then 40,000 paid: until the job ran, the invoice and
        its existing line say the commissions are being computed."""
        invoice = self._invoice(100000)
        self._pay(invoice, 60000, PAID)
        first = self._lines(invoice)
        self.assertEqual(first.amount, 600)
        self.assertFalse(first.invoice_pending)
        self._pay(invoice, 40000, PAID, run_job=False)
        first.invalidate_recordset(["invoice_pending"])
        self.assertTrue(first.invoice_pending)
        self.assertTrue(invoice.with_user(self.manager).asm_commission_pending)
        billing_manager = self._new_user(
            "asm_q_bill_manager",
            "base.group_user,account.group_account_invoice,"
            "all_staff_marketing.group_manager",
        )
        arch = invoice.with_user(billing_manager).get_views([(False, "form")])
        arch = arch["views"]["form"]["arch"]
        self.assertIn("Commissions being computed", arch)
        accountant = self._new_user(
            "asm_q_accountant", "base.group_user,account.group_account_invoice"
        )
        arch = invoice.with_user(accountant).get_views([(False, "form")])
        self.assertNotIn("Commissions being computed", arch["views"]["form"]["arch"])
        self._run_job()
        self.assertEqual(self._total(self._lines(invoice)), 1000)
        first.invalidate_recordset()
        invoice.invalidate_recordset()
        self.assertFalse(first.invoice_pending)
        self.assertFalse(invoice.with_user(self.manager).asm_commission_pending)


class TestCommissionQueueWorkers(CommissionCase):
    """Two workers on their own connections, on rows committed for the test."""

    FAKE_PARTIALS = list(range(2_000_000_001, 2_000_000_007))

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        self.addCleanup(self._cleanup)
        with odoo.sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute(
                """
                INSERT INTO asm_commission_queue (partial_id, company_id, operation,
                    create_date, write_date, create_uid, write_uid)
                SELECT pid, %s, 'process', now(), now(), 1, 1
                  FROM unnest(%s) AS pid
                """,
                [self.company.id, self.FAKE_PARTIALS],
            )
            cr.commit()

    def _cleanup(self):
        with odoo.sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute(
                "DELETE FROM asm_commission_queue WHERE partial_id = ANY(%s)",
                [self.FAKE_PARTIALS],
            )
            cr.commit()

    def _ours(self, rows):
        return [row for row in rows if row[1] in self.FAKE_PARTIALS]

    def test_two_workers_claim_disjoint_batches(self):
        cr_a = odoo.sql_db.db_connect(self.dbname).cursor()
        cr_b = odoo.sql_db.db_connect(self.dbname).cursor()
        try:
            # a worker that waited for a lock would fail here instead of hanging
            cr_b.execute("SET lock_timeout = '3s'")
            queue_a = api.Environment(cr_a, SUPERUSER_ID, {})["asm.commission.queue"]
            queue_b = api.Environment(cr_b, SUPERUSER_ID, {})["asm.commission.queue"]
            claimed_a = self._ours(queue_a._claim(limit=4))
            self.assertEqual(len(claimed_a), 4)
            claimed_b = self._ours(queue_b._claim(limit=4))
            self.assertEqual(len(claimed_b), 2)
            ids_a = {row[0] for row in claimed_a}
            ids_b = {row[0] for row in claimed_b}
            self.assertFalse(ids_a & ids_b)
            self.assertEqual(
                {row[1] for row in claimed_a + claimed_b}, set(self.FAKE_PARTIALS)
            )
            # B runs its batch (the reconciliations are gone: nothing to compute)
            # and commits while A still holds its rows
            cr_b.rollback()
            self.assertEqual(queue_b._process_batch(limit=10), 2)
            cr_b.commit()
            cr_b.execute(
                "SELECT partial_id FROM asm_commission_queue "
                "WHERE partial_id = ANY(%s)",
                [self.FAKE_PARTIALS],
            )
            left = sorted(row[0] for row in cr_b.fetchall())
            self.assertEqual(left, sorted(row[1] for row in claimed_a))
            # A finishes its own rows: the queue is empty, each row run once
            cr_a.rollback()
            self.assertEqual(queue_a._process_batch(limit=10), 4)
            cr_a.commit()
            cr_b.rollback()  # Odoo's transactions are REPEATABLE READ: new snapshot
            self.assertFalse(self._ours(queue_b._claim(limit=10)))
        except pg_errors.LockNotAvailable:
            self.fail("a worker waited for rows another worker holds")
        finally:
            cr_a.close()
            cr_b.close()
