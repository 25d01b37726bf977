"""An early-payment discount is charged only to the invoice that granted it, also
when its payment is unreconciled and re-applied (fuzz seed 691386348, scenario 9).

One payment for two invoices within the discount days writes the discounts off on
the payment entry. Unreconciled, the payment stays open for its whole face (money +
discounts); re-applied invoice by invoice, each invoice earns on the money it got:
the discount of an invoice is not money for the other one. Every figure is computed
by hand in the docstrings (rule 1 %, referrer 100 %, paid on time).
"""

from datetime import date

from freezegun import freeze_time

from .commission_common import CommissionCase


class TestEarlyDiscountReapply(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.term = cls._early_discount_term()

    # ------------------------------------------------------------------
    def _epd_invoice(self, amount):
        return self._invoice(amount, due=None, invoice_payment_term_id=self.term.id)

    def _pay_both(self, moves):
        """One payment for ``moves`` on 5 Feb 2025 (within the discount days)."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"payment_date": date(2025, 2, 5), "group_payment": True})
        )
        payment = wizard._create_payments()
        self.engine._cron_recompute()
        return payment

    def _receivable(self, move):
        return move.line_ids.filtered(lambda line: line.display_type == "payment_term")

    def _payment_line(self, payment):
        return payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _unreconcile(self, payment):
        self._payment_line(payment).remove_move_reconcile()
        self.engine._cron_recompute()

    def _reapply(self, payment, invoice):
        invoice.js_assign_outstanding_line(self._payment_line(payment).id)
        self.engine._cron_recompute()

    def _earned(self, invoice):
        """Net commission of ``invoice`` and the amount of its last line."""
        lines = self._lines(invoice)
        return self._total(lines), lines[-1:].amount

    # ------------------------------------------------------------------
    def test_both_discounted_reapplied_one_by_one(self):
        """A 100,000 and B 50,000, both 2 % within 10 days: one payment of
        98,000 + 49,000 = 147,000, 3,000 written off. Unreconciled: both back to 0.
        Re-applied to A only: A gets 100,000 of the payment's face, its own 2,000
        discount is charged to it: 98,000 money -> 980 (not 98,000 x 147/148 =
        973.38). The rest (50,000) to B: 49,000 -> 490. Money 147,000 = the cash."""
        first = self._epd_invoice(100000)
        second = self._epd_invoice(50000)
        payment = self._pay_both(first | second)
        self.assertEqual(payment.amount, 147000)
        self.assertEqual((self._earned(first)[0], self._earned(second)[0]), (980, 490))
        self._unreconcile(payment)
        self.assertEqual((self._earned(first)[0], self._earned(second)[0]), (0, 0))
        self._reapply(payment, first)
        self.assertEqual(first.payment_state, "paid")
        self.assertEqual(self._payment_line(payment).amount_residual, -50000)
        self.assertEqual(self._earned(first), (980, 980))
        self.assertEqual(self._earned(second)[0], 0)
        self._reapply(payment, second)
        self.assertEqual(second.payment_state, "paid")
        self.assertEqual(self._earned(second), (490, 490))
        self.assertEqual(self._earned(first)[0], 980)

    def test_discount_of_the_other_invoice_reapplied(self):
        """The fuzz scenario with round numbers: A 100,000 without discount, B 50,000
        with 2 %: one payment of 100,000 + 49,000 = 149,000 (B's 1,000 written off).
        Unreconciled, re-applied to A: A is paid 100,000 in money -> 1,000 (not
        100,000 x 149/150 = 993.33: B's discount is not A's). Then B: 49,000 ->
        490."""
        first = self._invoice(100000)
        second = self._epd_invoice(50000)
        payment = self._pay_both(first | second)
        self.assertEqual(payment.amount, 149000)
        self.assertEqual((self._earned(first)[0], self._earned(second)[0]), (1000, 490))
        self._unreconcile(payment)
        self._reapply(payment, first)
        self.assertEqual(self._earned(first), (1000, 1000))
        self._reapply(payment, second)
        self.assertEqual(self._earned(second), (490, 490))
        self.assertEqual(self._earned(first)[0], 1000)

    def test_reapplied_in_the_other_order_after_the_discount_date(self):
        """Same payment, re-applied in June (long after the discount days) to B
        first, then A. The discount was granted by the payment of 5 February: B
        still gets 49,000 -> 490, A 100,000 -> 1,000. 1,490 = 1 % of 149,000."""
        first = self._invoice(100000)
        second = self._epd_invoice(50000)
        payment = self._pay_both(first | second)
        self._unreconcile(payment)
        with freeze_time("2025-06-15"):
            self._reapply(payment, second)
            self._reapply(payment, first)
        self.assertEqual(self._earned(second), (490, 490))
        self.assertEqual(self._earned(first), (1000, 1000))

    def test_reapplied_to_an_invoice_that_granted_nothing(self):
        """Same payment (149,000 cash, B's 1,000 discount written off), unreconciled
        and used in full on C, an invoice of 150,000 without discount: C got
        150,000 of face of which 149,000 is money -> 1,490 (the discount can no
        longer go to B: it is charged to C, never paid as money)."""
        first = self._invoice(100000)
        second = self._epd_invoice(50000)
        payment = self._pay_both(first | second)
        self._unreconcile(payment)
        third = self._invoice(150000)
        self._reapply(payment, third)
        self.assertEqual(third.payment_state, "paid")
        self.assertEqual(self._earned(third), (1490, 1490))
        self.assertEqual((self._earned(first)[0], self._earned(second)[0]), (0, 0))
