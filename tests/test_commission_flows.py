"""The commission pays exactly "rule x money actually received" (issue #8).

Every document goes through the flow a user follows: sale order, the down-payment
wizard, the payment wizard (write-offs included), credit notes reconciled from the
invoice, currency rates. Every figure is computed by hand in the docstring.
"""

from datetime import date

from odoo import Command

from .commission_common import CommissionCase


class FlowCase(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.invoice_policy = "order"
        cls.milestone = cls.env["product.product"].create(
            {
                "name": "Milestone",
                "type": "service",
                "invoice_policy": "delivery",
                "service_type": "manual",
                "taxes_id": [Command.clear()],
            }
        )
        cls.expense = cls.env["account.account"].search(
            [
                ("company_ids", "in", cls.company.id),
                ("account_type", "=", "expense"),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------
    def _order(self, lines, **extra):
        """Confirm a referred sale order; ``lines`` = [(product, qty, price)]."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_seller.id,
                "referrer_id": self.referrer.id,
                "referral_mode": "handoff",
                "referral_deal_type": "first",
                "referrer_share": 100,
                "salesperson_share": 0,
                "service_share": 0,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for product, qty, price in lines
                ],
                **extra,
            }
        )
        order.action_confirm()
        return order

    def _invoice_order(self, order, due=date(2025, 3, 1), **wizard_vals):
        """Invoice ``order`` through the 'Create Invoice' wizard, post, return it."""
        before = order.invoice_ids
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(wizard_vals or {"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids - before
        self.assertEqual(len(invoice), 1)
        invoice.invoice_date = date(2025, 2, 1)
        invoice.invoice_date_due = due
        invoice.action_post()
        self.assertEqual(invoice.referrer_id, self.referrer)
        return invoice

    def _pay_wizard(self, moves, pay_date=date(2025, 3, 1), **vals):
        """Register a payment on ``moves`` with the payment wizard."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"payment_date": pay_date, **vals})
        )
        payments = wizard._create_payments()
        self._run_job()
        return payments

    def _receivable(self, move):
        return move.line_ids.filtered(lambda line: line.display_type == "payment_term")

    def _taxed_invoice(self, price, tax, **extra):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date(2025, 2, 1),
                "invoice_date_due": date(2025, 3, 1),
                "invoice_user_id": self.user_seller.id,
                "referrer_id": self.referrer.id,
                "referral_mode": "handoff",
                "referral_deal_type": "first",
                "referrer_share": 100,
                "salesperson_share": 0,
                "service_share": 0,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                ],
                **extra,
            }
        )
        move.action_post()
        return move


class TestNetting(FlowCase):
    def test_down_payment_then_final_invoice(self):
        """Order 100,000 at 1 %: down payment 30,000 -> 300; final invoice 100,000
        - 30,000 = 70,000 -> 700 (the deduction is netted, never voided). 1,000."""
        order = self._order([(self.product, 1, 100000)])
        down = self._invoice_order(
            order, advance_payment_method="fixed", fixed_amount=30000
        )
        self.assertEqual(down.amount_total, 30000)
        self._pay_wizard(down, amount=30000)
        final = self._invoice_order(order)
        self.assertEqual(final.amount_total, 70000)
        products = final.invoice_line_ids.filtered(
            lambda x: x.display_type == "product"
        )
        self.assertEqual(sorted(products.mapped("price_subtotal")), [-30000, 100000])
        self._pay_wizard(final, amount=70000)
        down_line = self._lines(down)
        self.assertEqual((down_line.base_amount, down_line.amount), (30000, 300))
        final_line = self._lines(final)
        self.assertEqual(len(final_line), 1)  # the deduction line earns nothing
        product_line = products.filtered(lambda x: x.price_subtotal > 0)
        self.assertEqual(final_line.invoice_line_id, product_line)
        self.assertEqual(final_line.paid_ratio, 1.0)
        self.assertEqual(final_line.netted_amount, -30000)
        self.assertEqual(final_line.collected_amount, 70000)
        self.assertEqual(final_line.amount, 700)
        self.assertEqual(final_line.state, "payable")
        self.assertEqual(self._total(self._lines(down) | final_line), 1000)

    def test_down_payment_earns_under_the_products_rules(self):
        """Order: works 60,000 (1 %) and design 40,000 (design rule 2 %). The
        30,000 down payment stands for both: 18,000 x 1 % + 12,000 x 2 % = 180 +
        240; the final invoice nets 30,000 off both lines: 42,000 x 1 % + 28,000 x
        2 % = 420 + 560. Total 1,400 = 600 + 800, as if billed at once. Half the
        down payment refunded in cash takes back 90 + 120."""
        categ_design = self.env["product.category"].create({"name": "Design"})
        design = self.env["product.product"].create(
            {
                "name": "Design",
                "type": "service",
                "categ_id": categ_design.id,
                "taxes_id": [Command.clear()],
            }
        )
        self.Rule.create(
            {
                "name": "Design 2 %",
                "sequence": 1,
                "product_categ_id": categ_design.id,
                "rate": 2,
            }
        )
        order = self._order([(self.product, 1, 60000), (design, 1, 40000)])
        down = self._invoice_order(
            order, advance_payment_method="fixed", fixed_amount=30000
        )
        self._pay_wizard(down, amount=30000)
        final = self._invoice_order(order)
        self._pay_wizard(final, amount=70000)
        down_lines = self._lines(down)
        self.assertEqual(
            [
                (line.product_id, line.collected_amount, line.amount)
                for line in down_lines
            ],
            [(self.product, 18000, 180), (design, 12000, 240)],
        )
        self.assertEqual(len(down_lines.invoice_line_id), 1)
        final_lines = self._lines(final)
        self.assertEqual(final_lines.mapped("collected_amount"), [42000, 28000])
        self.assertEqual(final_lines.mapped("amount"), [420, 560])
        self.assertEqual(self._total(down_lines | final_lines), 1400)
        refund = self._invoice(
            15000,
            move_type="out_refund",
            invoice_date=date(2025, 4, 1),
            due=date(2025, 4, 1),
            reversed_entry_id=down.id,
        )
        self._pay_wizard(refund, pay_date=date(2025, 4, 2), amount=15000)
        claws = self._lines(down, kind="clawback")
        self.assertEqual(
            [(line.product_id, line.amount) for line in claws],
            [(self.product, -90), (design, -120)],
        )

    def test_down_payment_below_cost_part(self):
        """Order: rice 10 x 4,000 at a cost of 5,000 each (below cost) and works
        60,000. The 30,000 down payment: rice part 12,000 void with the reason,
        works part 18,000 -> 180; final invoice: rice void, works 60,000 - 18,000
        = 42,000 -> 420. 600 in all: 1 % of the works, nothing on the rice."""
        rice = self.env["product.product"].create(
            {
                "name": "Rice",
                "type": "service",
                "invoice_policy": "order",
                "standard_price": 5000,
                "taxes_id": [Command.clear()],
            }
        )
        order = self._order([(rice, 10, 4000), (self.product, 1, 60000)])
        down = self._invoice_order(
            order, advance_payment_method="fixed", fixed_amount=30000
        )
        self._pay_wizard(down, amount=30000)
        final = self._invoice_order(order)
        self._pay_wizard(final, amount=70000)
        rice_part, works_part = self._lines(down)
        self.assertEqual(rice_part.product_id, rice)
        self.assertEqual((rice_part.state, rice_part.amount), ("void", 0))
        self.assertEqual(rice_part.reason, "Sold at or below cost")
        self.assertEqual((works_part.collected_amount, works_part.amount), (18000, 180))
        rice_line, works_line = self._lines(final)
        self.assertEqual(
            (rice_line.state, rice_line.reason), ("void", rice_part.reason)
        )
        self.assertEqual((works_line.collected_amount, works_line.amount), (42000, 420))
        self.assertEqual(self._total(self._lines(down) | self._lines(final)), 600)

    def test_fixed_amount_once_per_order(self):
        """Fixed 1,000 per deal, order billed 30,000 + 70,000: 300 + 700 = 1,000,
        not 1,000 per invoice."""
        self.Rule.create(
            {"name": "Per deal", "sequence": 1, "base": "fixed", "fixed_amount": 1000}
        )
        order = self._order([(self.product, 1, 100000)])
        down = self._invoice_order(
            order, advance_payment_method="fixed", fixed_amount=30000
        )
        self._pay_wizard(down, amount=30000)
        final = self._invoice_order(order)
        self._pay_wizard(final, amount=70000)
        self.assertEqual(self._lines(down).amount, 300)
        self.assertEqual(self._lines(final).amount, 700)

    def test_milestones_use_the_contract_total(self):
        """600,000 contract in two 300,000 milestone invoices, 1 % <= 500,000 and
        1.5 % above: the tier is chosen on 600,000, 4,500 + 4,500 = 9,000."""
        self.Rule.create(
            {
                "name": "Contract size",
                "sequence": 1,
                "company_id": self.company.id,
                "tier_ids": [
                    Command.create({"amount_from": 0, "amount_to": 500000, "rate": 1}),
                    Command.create({"amount_from": 500000, "rate": 1.5}),
                ],
            }
        )
        order = self._order([(self.milestone, 1, 300000), (self.milestone, 1, 300000)])
        self.assertEqual(order.amount_untaxed, 600000)
        first_line, second_line = order.order_line
        first_line.qty_delivered = 1
        first = self._invoice_order(order)
        second_line.qty_delivered = 1
        second = self._invoice_order(order)
        self.assertEqual((first.amount_total, second.amount_total), (300000, 300000))
        self._pay_wizard(first, amount=300000)
        self._pay_wizard(second, amount=300000)
        lines = self._lines(first) | self._lines(second)
        self.assertEqual(lines.mapped("rate"), [1.5, 1.5])
        self.assertEqual(lines.mapped("amount"), [4500, 4500])
        self.assertEqual(self._total(lines), 9000)

    def test_below_cost_after_own_discount(self):
        """Line A 10 x 6,000 less 20 % = 48,000 at cost 50,000: void with the reason
        (60,000 before its discount would have been above cost). Line B 80,000 at cost
        50,000. A 10 % global discount of 12,800 nets both: B's base is 72,000 -> 720,
        whether A earns or not."""
        produce = self.env["product.product"].create(
            {"name": "Rice", "standard_price": 5000, "taxes_id": [Command.clear()]}
        )
        discount = self.env["product.product"].create(
            {"name": "Global discount", "taxes_id": [Command.clear()]}
        )
        invoice = self._invoice(
            lines=[(produce, 10, 6000), (produce, 10, 8000), (discount, 1, -12800)],
            post=False,
        )
        invoice.invoice_line_ids[0].discount = 20
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 115200)
        self._pay(invoice, 115200, date(2025, 3, 1))
        below, above = self._lines(invoice)
        self.assertEqual(below.invoice_line_id, invoice.invoice_line_ids[0])
        self.assertEqual((below.state, below.amount), ("void", 0))
        self.assertEqual(below.reason, "Sold at or below cost")
        self.assertEqual(below.collected_amount, 43200)  # 48,000 less its 10 %
        self.assertEqual(above.collected_amount, 72000)
        self.assertEqual(above.netted_amount, -8000)
        self.assertEqual((above.state, above.amount), ("payable", 720))


class TestOnlyMoney(FlowCase):
    def test_goodwill_credit_note_is_not_money(self):
        """Invoice 100,000, goodwill credit note 10,000 reconciled with it, 90,000
        paid: 90,000 / 100,000 x 100,000 x 1 % = 900."""
        invoice = self._invoice(100000)
        goodwill = self._invoice(10000, move_type="out_refund")
        self.assertFalse(goodwill.reversed_entry_id)
        invoice.js_assign_outstanding_line(self._receivable(goodwill).id)
        self._run_job()
        self.assertEqual(invoice.amount_residual, 90000)
        self.assertFalse(self._lines(invoice))
        self._pay_wizard(invoice, amount=90000)
        self.assertEqual(invoice.payment_state, "paid")
        line = self._lines(invoice)
        self.assertEqual((line.paid_ratio, line.amount), (0.9, 900))

    def test_write_off_is_not_money(self):
        """95,000 paid, 5,000 written off ('mark as fully paid'): one payment entry
        whose bank part is 95,000 -> 950."""
        invoice = self._invoice(100000)
        self._pay_wizard(
            invoice,
            amount=95000,
            payment_difference_handling="reconcile",
            writeoff_account_id=self.expense.id,
            writeoff_label="Discount granted",
        )
        self.assertEqual(invoice.payment_state, "paid")
        line = self._lines(invoice)
        self.assertEqual(line.paid_ratio, 0.95)
        self.assertEqual((line.collected_amount, line.amount), (95000, 950))

    def test_early_payment_discount_is_not_money(self):
        """2 % early-payment discount within 10 days: the customer pays 98,000 for
        100,000, the payment wizard writes 2,000 off: 98,000 x 1 % = 980."""
        term = self._early_discount_term()
        invoice = self._invoice(100000, due=None, invoice_payment_term_id=term.id)
        payment = self._pay_wizard(invoice, pay_date=date(2025, 2, 5))
        self.assertEqual(payment.amount, 98000)
        self.assertEqual(invoice.payment_state, "paid")
        line = self._lines(invoice)
        self.assertEqual((line.paid_ratio, line.amount), (0.98, 980))

    def test_grouped_payment_early_discount_of_one_invoice(self):
        """One payment for A (100,000, no discount) and B (50,000, 2 % within 10
        days), paid on day 4: 100,000 + 49,000 = 149,000. The 1,000 discount is B's:
        A earns 1,000, B 490 (not 149/150 of each: 993.33 and 496.67)."""
        term = self._early_discount_term()
        first = self._invoice(100000)
        second = self._invoice(50000, due=None, invoice_payment_term_id=term.id)
        payment = self._pay_wizard(
            first | second, pay_date=date(2025, 2, 5), group_payment=True
        )
        self.assertEqual(payment.amount, 149000)
        self.assertEqual((first | second).mapped("payment_state"), ["paid", "paid"])
        self.assertEqual(self._lines(first).amount, 1000)
        self.assertEqual(self._lines(second).amount, 490)

    def test_one_payment_over_two_invoices_with_write_off(self):
        """One payment of 145,000 for 100,000 + 50,000, 5,000 written off: each
        invoice is paid 145/150 in money: 966.67 + 483.33 = 1,450 = 1 % of 145,000."""
        first = self._invoice(100000)
        second = self._invoice(50000)
        self._pay_wizard(
            first | second,
            amount=145000,
            group_payment=True,
            payment_difference_handling="reconcile",
            writeoff_account_id=self.expense.id,
            writeoff_label="Rounding",
        )
        self.assertEqual((first | second).mapped("payment_state"), ["paid", "paid"])
        self.assertEqual(self._lines(first).amount, 966.67)
        self.assertEqual(self._lines(second).amount, 483.33)

    def test_credit_note_used_on_another_invoice(self):
        """A paid 100,000 (1,000). Its credit note of 50,000 is used on invoice B of
        100,000, the customer pays B's other 50,000 in cash. Money received:
        100,000 + 50,000: A keeps 1,000 (nothing was paid back in money), B earns
        500 on its cash. 1,500 in all."""
        first = self._invoice(100000)
        self._pay_wizard(first, amount=100000)
        refund = self._invoice(
            50000,
            move_type="out_refund",
            invoice_date=date(2025, 3, 2),
            due=date(2025, 3, 2),
            reversed_entry_id=first.id,
        )
        self.assertEqual(refund.payment_state, "not_paid")
        second = self._invoice(100000)
        second.js_assign_outstanding_line(self._receivable(refund).id)
        self._run_job()
        self.assertEqual(second.amount_residual, 50000)
        self._pay_wizard(second, amount=50000)
        self.assertEqual(self._total(self._lines(first)), 1000)
        self.assertFalse(self._lines(first, kind="clawback"))
        self.assertEqual(self._lines(second).amount, 500)

    def test_misc_entry_and_money_journal(self):
        """A bad-debt entry in a miscellaneous journal settling 40,000 earns nothing;
        the same entry in a journal marked 'Counts as Money' (netting) earns 400."""
        invoice = self._invoice(100000)
        receivable = self._receivable(invoice).account_id
        misc = self.env["account.journal"].create(
            {"name": "Misc ASM", "code": "MASM", "type": "general"}
        )
        netting = self.env["account.journal"].create(
            {
                "name": "Netting",
                "code": "NETT",
                "type": "general",
                "asm_counts_as_money": True,
            }
        )
        for journal in (misc, netting):
            entry = self.env["account.move"].create(
                {
                    "journal_id": journal.id,
                    "date": date(2025, 3, 1),
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": receivable.id,
                                "partner_id": self.customer.id,
                                "credit": 40000,
                            }
                        ),
                        Command.create({"account_id": self.expense.id, "debit": 40000}),
                    ],
                }
            )
            entry.action_post()
            entry_line = entry.line_ids.filtered(lambda x: x.account_id == receivable)
            invoice.js_assign_outstanding_line(entry_line.id)
            self._run_job()
        self.assertEqual(invoice.amount_residual, 20000)
        line = self._lines(invoice)
        self.assertEqual(line.payment_move_id.journal_id, netting)
        self.assertEqual(line.amount, 400)


class TestCurrencyAndTaxes(FlowCase):
    def test_foreign_currency_paid_in_full(self):
        """Invoice of 10,000 in a foreign currency at 7.0 = 70,000 company currency,
        1 %: paid in full at 7.2 or at 6.8, 700 each time (the exchange difference is
        not money, the paid part is 100 % in the invoice's currency)."""
        usd = self.env.ref("base.USD")
        foreign = usd if self.currency != usd else self.env.ref("base.EUR")
        foreign.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (foreign | self.currency).ids)]).unlink()
        for day, rate in (
            (date(2025, 1, 1), 7.0),
            (date(2025, 3, 1), 7.2),
            (date(2025, 4, 1), 6.8),
        ):
            Rate.create(
                {
                    "name": day,
                    "currency_id": foreign.id,
                    "company_id": self.company.id,
                    "inverse_company_rate": rate,
                }
            )
        for pay_date in (date(2025, 3, 1), date(2025, 4, 1)):
            invoice = self._invoice(10000, currency_id=foreign.id, due=date(2025, 6, 1))
            self.assertEqual(invoice.amount_total_signed, 70000)
            self._pay_wizard(
                invoice, pay_date=pay_date, amount=10000, currency_id=foreign.id
            )
            self.assertEqual(invoice.payment_state, "paid")
            line = self._lines(invoice)
            self.assertEqual(line.paid_ratio, 1.0, pay_date)
            self.assertEqual(line.collected_amount, 70000, pay_date)
            self.assertEqual(line.amount, 700, pay_date)

    def test_vat_half_paid(self):
        """100,000 + 13 % VAT = 113,000; 56,500 paid is half: 50,000 x 1 % = 500."""
        vat = self.env["account.tax"].create(
            {"name": "VAT 13 %", "amount": 13, "type_tax_use": "sale"}
        )
        invoice = self._taxed_invoice(100000, vat)
        self.assertEqual(invoice.amount_total, 113000)
        self._pay_wizard(invoice, amount=56500)
        line = self._lines(invoice)
        self.assertEqual((line.paid_ratio, line.collected_amount), (0.5, 50000))
        self.assertEqual(line.amount, 500)

    def test_vat_included_in_price(self):
        """Price 113,000 with 13 % VAT included: untaxed 100,000; paid -> 1,000."""
        vat = self.env["account.tax"].create(
            {
                "name": "VAT 13 % included",
                "amount": 13,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        invoice = self._taxed_invoice(113000, vat)
        self.assertEqual(
            (invoice.amount_untaxed, invoice.amount_total), (100000, 113000)
        )
        self._pay_wizard(invoice, amount=113000)
        line = self._lines(invoice)
        self.assertEqual((line.collected_amount, line.amount), (100000, 1000))


class TestLineKeySuffix(FlowCase):
    def test_regenerate_after_reversal(self):
        """An attribution correction reverses the lines of a reconciliation and
        regenerates them under a key suffix: 1,000 - 1,000 + 1,000; a clawback is
        regenerated the same way; running again adds nothing."""
        invoice = self._invoice(100000)
        self._pay_wizard(invoice, amount=100000)
        refund = self._invoice(
            50000,
            move_type="out_refund",
            invoice_date=date(2025, 4, 1),
            due=date(2025, 4, 1),
            reversed_entry_id=invoice.id,
        )
        self._pay_wizard(refund, pay_date=date(2025, 4, 2), amount=50000)
        originals = self._lines(invoice)
        self.assertEqual(originals.mapped("amount"), [1000, -500])
        self.engine._reverse_lines(originals, "Attribution corrected")
        self.assertEqual(self._total(self._lines(invoice)), 0)
        partials = originals.mapped("partial_id")
        # the suffix is an argument: the context key of earlier versions does nothing
        hostile = self.engine.with_context(asm_line_key_suffix="/forged")
        self.assertFalse(hostile._process_partials(partials))
        new = self.engine._process_partials(partials, key_suffix="/fix1")
        self.assertEqual(sorted(new.mapped("amount")), [-500, 1000])
        for line in new:
            self.assertTrue(line.key.endswith("/fix1"), line.key)
            self.assertIn(line.key.removesuffix("/fix1"), originals.mapped("key"))
        self.assertEqual(self._total(self._lines(invoice)), 500)
        self.assertFalse(self.engine._process_partials(partials, key_suffix="/fix1"))
        self.assertFalse(self.engine._process_partials(partials))


def test_amount_functions():
    """The pure money functions with plain numbers (no database)."""
    from odoo.addons.all_staff_marketing.models.asm_commission_engine import (
        allocate,
        money_factor,
        net_line_bases,
        paid_fraction,
    )

    def cents(values):
        return [round(value, 2) for value in values]

    # netting: 100,000 and a -30,000 deduction -> 70,000 on the product line
    assert cents(net_line_bases([100000, -30000], 0.01)) == [70000, 0]
    # spread in proportion, exact to the cent: 48,000 / 80,000 less 12,800
    assert cents(net_line_bases([48000, 80000, -12800], 0.01)) == [43200, 72000, 0]
    assert round(sum(net_line_bases([1, 1, 1, -1], 0.01)), 2) == 2
    assert net_line_bases([100, -100], 0.01) == [0, 0]
    assert cents(allocate(100, [1, 1, 1], 0.01)) == [33.34, 33.33, 33.33]
    assert allocate(100, [0, 0], 0.01) == [0, 0]
    # a payment of 95,000 settling 100,000 (5,000 written off)
    assert money_factor(95000, -100000) == 0.95
    # a refund paid out: liquidity -50,000 settling +50,000
    assert money_factor(-50000, 50000) == 1.0
    # overpayment written off as income counts up to what is settled
    assert money_factor(105000, -100000) == 1.0
    assert money_factor(0, -100000) == 0.0
    assert money_factor(100, 0) == 0.0
    assert paid_fraction(56500, 1.0, 113000) == 0.5
    assert paid_fraction(100000, 0.95, 100000) == 0.95
    assert paid_fraction(10, 1.0, 0) == 0.0
