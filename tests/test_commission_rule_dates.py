"""Rules are not retroactive; applying them to past payments is explicit and logged
(issue #8, item 7)."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tools import mute_logger
from odoo.tools.date_utils import start_of

from .commission_common import CommissionCase


class TestRuleDates(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule.action_archive()  # each test creates its rule "today"
        cls.manager = cls._new_user(
            "asm_m2_manager", "base.group_user,all_staff_marketing.group_manager"
        )
        cls.officer = cls._new_user(
            "asm_m2_officer", "base.group_user,all_staff_marketing.group_officer"
        )
        cls.today = fields.Date.context_today(cls.env["asm.commission.line"])
        cls.last_month = start_of(cls.today, "month") - timedelta(days=15)

    def _sale(self, amount, pay_date, invoice_date=None):
        invoice = self._invoice(
            amount,
            invoice_date=invoice_date or pay_date - timedelta(days=5),
            due=pay_date + timedelta(days=30),
        )
        self._pay(invoice, amount, pay_date)
        return invoice

    def _new_rule(self):
        # as a manager does it from the form: no date given
        return (
            self.env["asm.commission.rule"]
            .with_user(self.manager)
            .create({"name": "New 1 %", "company_id": self.company.id, "rate": 1.0})
        )

    def _apply(self, user, date_from):
        wizard = (
            self.env["asm.commission.backapply.wizard"]
            .with_user(user)
            .create({"date_from": date_from, "company_id": self.company.id})
        )
        action = wizard.action_apply()
        return self.env["asm.commission.backapply"].browse(action["res_id"])

    def test_new_rule_is_not_retroactive(self):
        old = self._sale(100000, self.last_month)  # paid before the rule existed
        rule = self._new_rule()
        self.assertEqual(rule.date_from, self.today)
        # a payment of last month registered now: its invoice predates the rule
        late = self._sale(50000, self.last_month)
        self.assertFalse(self._lines(old) | self._lines(late))
        self.engine._cron_recompute()
        self.assertFalse(self._lines(old) | self._lines(late))
        # even with the rule's date moved back, the nightly job pays nothing old:
        # those reconciliations were processed already
        rule.with_user(self.manager).date_from = start_of(self.last_month, "month")
        self.engine._cron_recompute()
        self.assertFalse(self._lines(old) | self._lines(late))
        # the new rule pays what comes from today: 1 % of 20,000 = 200
        new = self._sale(20000, self.today, invoice_date=self.today)
        self.assertEqual(self._lines(new).amount, 200)
        self.assertEqual(self._lines(new).rule_id, rule)

    def test_back_dated_invoice_uses_a_rule_valid_from_its_date(self):
        """Issue #24 item 6: a new rule starts today, so a back-dated invoice used
        the older rule with no hint. With Valid From set back, it applies; the line
        says why, and the new rule comes after the existing one (no tie)."""
        self.rule.action_unarchive()
        rule = self._new_rule()
        self.assertGreater(rule.sequence, self.rule.sequence)
        rule.with_user(self.manager).write(
            {"date_from": self.last_month - timedelta(days=30), "sequence": 1}
        )
        invoice = self._sale(20000, self.today, invoice_date=self.last_month)
        lines = self._lines(invoice)
        # 1 % of 20,000 = 200 to the referrer (share 100 %), under the new rule
        self.assertEqual((lines.rule_id, lines.amount), (rule, 200))
        self.assertIn("invoice date", lines.rule_note)
        # a rule valid only from today does not apply to that invoice
        rule.date_from = self.today
        other = self._sale(10000, self.today, invoice_date=self.last_month)
        self.assertEqual(self._lines(other).rule_id, self.rule)

    def test_apply_rules_to_past_payments_once_logged(self):
        old = self._sale(100000, self.last_month)
        older = self._sale(30000, self.last_month - timedelta(days=40))
        rule = self._new_rule()
        rule.date_from = self.last_month - timedelta(days=60)
        with self.assertRaises(AccessError):
            self._apply(self.officer, self.last_month)
        self.assertFalse(self.env["asm.commission.backapply"].search([]))
        # from last month: 1 % of 100,000 = 1,000; the older payment is left out
        log = self._apply(self.manager, start_of(self.last_month, "month"))
        self.assertEqual(self._lines(old).amount, 1000)
        self.assertEqual(self._lines(old).rule_id, rule)
        self.assertFalse(self._lines(older))
        self.assertEqual(log.user_id, self.manager)
        self.assertEqual(log.date_from, start_of(self.last_month, "month"))
        self.assertEqual(
            (log.partial_count, log.line_count, log.amount_total), (1, 1, 1000)
        )
        self.assertEqual(log.line_ids, self._lines(old))
        # running it again pays nothing twice; it is logged too
        again = self._apply(self.manager, start_of(self.last_month, "month"))
        self.assertEqual((again.partial_count, again.line_count), (0, 0))
        self.assertEqual(len(self._lines(old)), 1)
        # an earlier from-date adds the older payment only: 1 % of 30,000 = 300
        earlier = self._apply(self.manager, self.last_month - timedelta(days=60))
        self.assertEqual((earlier.line_count, earlier.amount_total), (1, 300))
        self.assertEqual(self._lines(older).amount, 300)
        self.assertEqual(self._total(self._lines(old)), 1000)

    def test_failed_job_is_kept_and_retried_once(self):
        self.rule.action_unarchive()  # no date limit
        engine_class = type(self.env["asm.commission.engine"])
        with (
            patch.object(
                engine_class, "_process_partials", side_effect=RuntimeError("boom")
            ),
            mute_logger("odoo.addons.all_staff_marketing.models.asm_commission_queue"),
        ):
            invoice = self._sale(100000, self.last_month)  # runs the job
        self.assertFalse(self._lines(invoice))
        queued = self.env["asm.commission.queue"].search([])
        self.assertEqual(len(queued), 1)
        self.assertEqual((queued.error, queued.attempts), ("boom", 1))
        # left alone until its retry time, then retried: 1 % of 100,000
        self.assertFalse(self.engine._recompute())
        queued.action_retry()
        self.assertEqual(self._lines(invoice).amount, 1000)
        self.assertFalse(self.env["asm.commission.queue"].search([]))
        self.assertFalse(self.engine._recompute())

    def test_failed_unreconcile_is_kept_and_reversed(self):
        self.rule.action_unarchive()
        invoice = self._sale(100000, self.last_month)
        earned = self._lines(invoice)
        self.assertEqual(earned.amount, 1000)
        engine_class = type(self.env["asm.commission.engine"])
        receivable = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        receivable.remove_move_reconcile()
        with (
            patch.object(
                engine_class, "_reverse_partials", side_effect=RuntimeError("down")
            ),
            mute_logger("odoo.addons.all_staff_marketing.models.asm_commission_queue"),
        ):
            self.engine._cron_recompute()
        self.assertEqual(self._lines(invoice), earned)  # not reversed yet
        queued = self.env["asm.commission.queue"].search([])
        self.assertEqual((queued.operation, queued.error), ("reverse", "down"))
        queued.sudo().retry_after = False
        reversal = self.engine._recompute()
        self.assertEqual(reversal.reversed_line_id, earned)
        self.assertEqual(reversal.amount, -1000)
        self.assertEqual(self._total(self._lines(invoice)), 0)
        self.assertFalse(self.env["asm.commission.queue"].search([]))
        self.assertFalse(self.engine._recompute())

    def test_noop_recompute_reads_no_history(self):
        for _i in range(3):
            self._sale(10000, self.last_month)
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.assertFalse(self.engine._recompute(self.company))
