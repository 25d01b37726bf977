"""Commission lines from payments: DOMAIN §5 and §6, numbers computed by hand."""

from datetime import date

from odoo import Command

from .commission_common import CommissionCase


class TestCommissionPayment(CommissionCase):
    def test_domain_example_late_payment(self):
        """DOMAIN §6: 100,000 at 1 %; 60,000 on time -> 600; 40,000 75 days late
        -> 400 - 50 % = 200. Total 800."""
        invoice = self._invoice(100000)
        self._pay(invoice, 60000, date(2025, 3, 15))
        self._pay(invoice, 40000, date(2025, 5, 15))
        lines = self._lines(invoice)
        self.assertEqual(len(lines), 2)
        on_time, late = lines
        self.assertEqual(on_time.base_amount, 60000)
        self.assertEqual(on_time.rate, 1.0)
        self.assertEqual(on_time.days_late, 14)
        self.assertEqual(on_time.deduction_pct, 0)
        self.assertEqual(on_time.amount, 600)
        self.assertEqual(late.base_amount, 40000)
        self.assertEqual(late.days_late, 75)
        self.assertEqual(late.deduction_pct, 50)
        self.assertEqual(late.gross_amount, 400)
        self.assertEqual(late.amount, 200)
        self.assertEqual(self._total(lines), 800)
        # everything that explains the amount is on the line
        self.assertEqual(late.rule_id, self.rule)
        self.assertEqual(late.employee_id, self.referrer)
        self.assertEqual(late.role, "referrer")
        self.assertEqual(late.share, 100)
        self.assertEqual(late.date, date(2025, 5, 15))
        self.assertEqual(late.invoice_line_id, invoice.invoice_line_ids)
        self.assertTrue(late.payment_move_id)
        self.assertNotEqual(late.payment_move_id, on_time.payment_move_id)
        self.assertEqual(late.state, "payable")

    def test_domain_example_200_days_late(self):
        """Same, second payment 200 days late: -100 % -> 600 in total."""
        invoice = self._invoice(100000)
        self._pay(invoice, 60000, date(2025, 3, 15))
        self._pay(invoice, 40000, date(2025, 9, 17))
        lines = self._lines(invoice)
        self.assertEqual(lines[1].days_late, 200)
        self.assertEqual(lines[1].deduction_pct, 100)
        self.assertEqual(lines[1].amount, 0)
        self.assertEqual(self._total(lines), 600)

    def test_installment_due_dates(self):
        """Days late count from the due date of the installment that was paid."""
        term = self.env["account.payment.term"].create(
            {
                "name": "50 % at 30 days, 50 % at 90 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 30}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 90}
                    ),
                ],
            }
        )
        invoice = self._invoice(
            100000,
            invoice_date=date(2025, 1, 1),
            due=None,
            invoice_payment_term_id=term.id,
        )
        # installments due 31 Jan and 1 Apr
        self._pay(invoice, 50000, date(2025, 3, 15))  # 43 days after 31 Jan: -20 %
        self._pay(invoice, 50000, date(2025, 4, 10))  # 9 days after 1 Apr
        first, second = self._lines(invoice)
        self.assertEqual((first.days_late, first.amount), (43, 400))
        self.assertEqual((second.days_late, second.amount), (9, 500))

    def test_split_first_deal_7_3(self):
        """First deal referrer : salesperson = 7 : 3 (DOMAIN §5)."""
        invoice = self._invoice(100000, shares=(70, 30, 0))
        self._pay(invoice, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice, role="referrer").amount, 700)
        self.assertEqual(self._lines(invoice, role="salesperson").amount, 300)
        self.assertEqual(
            self._lines(invoice, role="salesperson").employee_id, self.salesperson
        )
        # rounding: the shares add up to the rule amount, 1 % of 33,333 = 333.33
        invoice = self._invoice(33333, shares=(70, 30, 0))
        self._pay(invoice, 33333, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice, role="referrer").amount, 233.33)
        self.assertEqual(self._lines(invoice, role="salesperson").amount, 100.00)
        self.assertEqual(self._total(self._lines(invoice)), 333.33)

    def test_split_followup_1_1_8(self):
        """Follow-up referrer : service : salesperson = 1 : 1 : 8 (DOMAIN §5)."""
        invoice = self._invoice(
            100000, shares=(10, 80, 10), referral_deal_type="followup"
        )
        self._pay(invoice, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice, role="referrer").amount, 100)
        self.assertEqual(self._lines(invoice, role="service").amount, 100)
        self.assertEqual(self._lines(invoice, role="salesperson").amount, 800)
        invoice = self._invoice(33333, shares=(10, 80, 10))
        self._pay(invoice, 33333, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice, role="referrer").amount, 33.33)
        self.assertEqual(self._lines(invoice, role="service").amount, 33.33)
        self.assertEqual(self._lines(invoice, role="salesperson").amount, 266.67)
        self.assertEqual(self._total(self._lines(invoice)), 333.33)

    def test_partial_payment_pro_rata_over_lines(self):
        """Half paid on a two-line invoice: each line earns on its half."""
        other = self.product.copy({"name": "Design"})
        invoice = self._invoice(lines=[(self.product, 1, 30000), (other, 1, 70000)])
        self._pay(invoice, 50000, date(2025, 3, 1))
        lines = self._lines(invoice)
        self.assertEqual(lines.mapped("base_amount"), [15000, 35000])
        self.assertEqual(lines.mapped("amount"), [150, 350])
        self.assertEqual(lines.mapped("paid_ratio"), [0.5, 0.5])

    def test_contract_size_tiers(self):
        """<= 500,000 -> 1 %, > 500,000 -> 1.5 %: boundaries to the cent."""
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
        expected = {499999.99: (1.0, 5000.00), 500000: (1.0, 5000.00)}
        expected[500000.01] = (1.5, 7500.00)
        for total, (rate, amount) in expected.items():
            invoice = self._invoice(total)
            self._pay(invoice, total, date(2025, 3, 1))
            line = self._lines(invoice)
            self.assertEqual((line.rate, line.amount), (rate, amount), total)
            self.assertIn("500,000.00", line.tier_label)
            self.assertEqual(line.tier_label[0], "≤" if rate == 1 else ">")

    def test_role_multipliers(self):
        """Ordinary staff 2.5x, marketing department 2x, managers 1.5x."""
        self.rule.apply_multiplier = True
        Mult = self.env["asm.commission.multiplier"]
        Mult.create(
            [
                {
                    "name": "Managers",
                    "sequence": 1,
                    "job_id": self.job_manager.id,
                    "factor": 1.5,
                },
                {
                    "name": "Marketing",
                    "sequence": 2,
                    "department_id": self.dept_marketing.id,
                    "factor": 2.0,
                },
                {"name": "Ordinary staff", "sequence": 3, "factor": 2.5},
            ]
        )
        for employee, factor, amount in (
            (self.referrer, 2.5, 2500),
            (self.marketer, 2.0, 2000),
            (self.manager_emp, 1.5, 1500),
        ):
            invoice = self._invoice(100000, referrer=employee)
            self._pay(invoice, 100000, date(2025, 3, 1))
            line = self._lines(invoice)
            self.assertEqual((line.multiplier, line.amount), (factor, amount))

    def test_landmark_uplift(self):
        """Landmark project: +15 % on top."""
        self.rule.landmark_uplift = 15
        invoice = self._invoice(100000, asm_landmark=True)
        self._pay(invoice, 100000, date(2025, 3, 1))
        line = self._lines(invoice)
        self.assertEqual((line.uplift_pct, line.gross_amount), (15, 1150))
        self.assertEqual(line.amount, 1150)
        ordinary = self._invoice(100000)
        self._pay(ordinary, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(ordinary).amount, 1000)
        # the flag travels from the order to its invoice
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "asm_landmark": True}
        )
        self.assertTrue(order._prepare_invoice()["asm_landmark"])

    def test_below_cost_earns_nothing(self):
        """DOMAIN §5 farm: no reward at or below cost; the line says why."""
        produce = self.env["product.product"].create(
            {"name": "Rice", "standard_price": 50, "taxes_id": [Command.clear()]}
        )
        invoice = self._invoice(
            lines=[(produce, 10, 40), (produce, 10, 50), (produce, 10, 80)]
        )
        self.assertEqual(invoice.invoice_line_ids.mapped("asm_unit_cost"), [50] * 3)
        produce.standard_price = 100  # later cost changes do not alter history
        self._pay(invoice, 1700, date(2025, 3, 1))
        below, at_cost, above = self._lines(invoice)
        for line in (below, at_cost):
            self.assertEqual(line.amount, 0)
            self.assertEqual(line.reason, "Sold at or below cost")
            self.assertEqual(line.state, "void")
        self.assertEqual(above.amount, 8)

    def test_margin_base(self):
        """Non-sales employee closing alone: 8 % of the profit."""
        self.Rule.create(
            {
                "name": "8 % of margin, direct",
                "sequence": 1,
                "referral_mode": "direct",
                "base": "margin",
                "rate": 8,
            }
        )
        produce = self.env["product.product"].create(
            {"name": "Tea", "standard_price": 50, "taxes_id": [Command.clear()]}
        )
        invoice = self._invoice(lines=[(produce, 10, 80)], referral_mode="direct")
        self._pay(invoice, 800, date(2025, 3, 1))
        line = self._lines(invoice)
        self.assertEqual((line.base_amount, line.amount), (300, 24))

    def test_fixed_amount_per_deal(self):
        """Fixed 1,000 per deal, half paid on a 30/70 invoice -> 150 + 350."""
        self.Rule.create(
            {"name": "Fixed", "sequence": 1, "base": "fixed", "fixed_amount": 1000}
        )
        other = self.product.copy({"name": "Design"})
        invoice = self._invoice(lines=[(self.product, 1, 30000), (other, 1, 70000)])
        self._pay(invoice, 50000, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice).mapped("amount"), [150, 350])

    def test_employee_price_excluded(self):
        """Staff buying at the employee price: no reward (DOMAIN §2)."""
        invoice = self._invoice(
            100000,
            referral_excluded=True,
            referral_exclusion_reason="Employee price",
        )
        self._pay(invoice, 100000, date(2025, 3, 1))
        line = self._lines(invoice)
        self.assertEqual(line.amount, 0)
        self.assertEqual(line.reason, "Excluded: Employee price")
        self.assertEqual(line.state, "void")

    def test_unattributed_invoice_earns_nothing(self):
        invoice = self._invoice(100000, post=False)
        invoice.referrer_id = False
        invoice.action_post()
        self._pay(invoice, 100000, date(2025, 3, 1))
        self.assertFalse(self._lines(invoice))

    def test_rule_matchers(self):
        """Beneficiary role and department, deal type, validity period."""
        self.Rule.create(
            [
                {
                    "name": "Service 5 %",
                    "sequence": 1,
                    "role": "service",
                    "rate": 5,
                },
                {
                    "name": "Marketing 3 %",
                    "sequence": 2,
                    "department_id": self.dept_marketing.id,
                    "rate": 3,
                },
                {
                    "name": "Spring campaign 2 %",
                    "sequence": 3,
                    "date_from": date(2025, 3, 1),
                    "date_to": date(2025, 5, 31),
                    "rate": 2,
                },
            ]
        )
        invoice = self._invoice(100000, shares=(50, 0, 50))
        self._pay(invoice, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice, role="service").amount, 2500)
        self.assertEqual(self._lines(invoice, role="referrer").amount, 500)
        invoice = self._invoice(100000, referrer=self.marketer)
        self._pay(invoice, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice).amount, 3000)
        invoice = self._invoice(
            100000, invoice_date=date(2025, 4, 1), due=date(2025, 5, 1)
        )
        self._pay(invoice, 100000, date(2025, 4, 1))
        self.assertEqual(self._lines(invoice).amount, 2000)

    def test_deal_type_rule(self):
        """First deal (new customer in the company) vs follow-up, from attribution."""
        self.Rule.create(
            {"name": "First deal 2 %", "sequence": 1, "deal_type": "first", "rate": 2}
        )
        newcomer = self.env["res.partner"].create({"name": "Newcomer"})
        first = self._invoice(100000, partner=newcomer)
        second = self._invoice(
            100000,
            partner=newcomer,
            invoice_date=date(2025, 2, 2),
            referral_deal_type="followup",
        )
        self._pay(first, 100000, date(2025, 3, 1))
        self._pay(second, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(first).amount, 2000)
        self.assertEqual(self._lines(second).amount, 1000)

    def test_customer_tier_rule(self):
        """A rule for tier A customers matches an A customer, not a B one."""
        self.Rule.create(
            {"name": "A customers 3 %", "sequence": 1, "customer_tier": "A", "rate": 3}
        )
        Partner = self.env["res.partner"].with_company(self.company)
        big = Partner.create({"name": "Big Buyer"})
        medium = Partner.create({"name": "Medium Buyer"})
        big.asm_customer_tier = "A"
        medium.asm_customer_tier = "B"
        # the tier is per company: A here, nothing in another company
        other = self.env["res.company"].create({"name": "ASM Tier Co"})
        self.assertFalse(big.with_company(other).asm_customer_tier)
        invoice_a = self._invoice(100000, partner=big)
        invoice_b = self._invoice(100000, partner=medium)
        self._pay(invoice_a, 100000, date(2025, 3, 1))
        self._pay(invoice_b, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(invoice_a).amount, 3000)
        self.assertEqual(self._lines(invoice_a).rule_id.name, "A customers 3 %")
        self.assertEqual(self._lines(invoice_b).amount, 1000, "1 % default rule")

    def test_lead_grade_rule(self):
        """A rule for grade-A leads matches the invoice of a won opportunity."""
        self.Rule.create(
            {"name": "A-grade leads 4 %", "sequence": 1, "lead_grade": "A", "rate": 4}
        )
        self.Rule.create(
            {"name": "B-grade leads 2 %", "sequence": 2, "lead_grade": "B", "rate": 2}
        )
        partner = self.env["res.partner"].create(
            {"name": "Won Customer", "is_company": True}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Won deal",
                "type": "opportunity",
                "partner_id": partner.id,
                "referrer_id": self.referrer.id,
                "referral_mode": "handoff",
                "user_id": self.user_seller.id,
            }
        )
        lead.stage_id = self.env.ref("crm.stage_lead3")
        self.assertEqual(lead.asm_grade_code, "B")
        lead.action_set_won()
        self.assertEqual(lead.asm_grade_code, "A")
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "user_id": self.user_seller.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": 100000,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = date(2025, 2, 1)
        invoice.invoice_date_due = date(2025, 3, 1)
        invoice.action_post()
        self.assertEqual(
            self.env["asm.commission.rule"]._get_lead_grades(invoice),
            {invoice.id: "A"},
        )
        self._pay(invoice, 100000, date(2025, 3, 1))
        # 4 % of 100,000 = 4,000, first deal 70 / 30: referrer 2,800, seller 1,200
        lines = self._lines(invoice)
        self.assertEqual(set(lines.rule_id.mapped("name")), {"A-grade leads 4 %"})
        self.assertEqual(self._lines(invoice, role="referrer").amount, 2800)
        self.assertEqual(self._lines(invoice, role="salesperson").amount, 1200)
        # an invoice without opportunity has no grade: the default 1 % applies
        plain = self._invoice(100000, partner=partner)
        self._pay(plain, 100000, date(2025, 3, 1))
        self.assertEqual(self._lines(plain).amount, 1000)


class TestHotelScheme(CommissionCase):
    """DOMAIN §5 hotel: cards 3 % of 3,000, 4 % of 5,000, later top-ups 2 % to the
    original seller; catering 5 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Categ = cls.env["product.category"]
        cls.categ_cards = Categ.create({"name": "Stored-value cards"})
        cls.categ_catering = Categ.create({"name": "Catering"})
        cls.card = cls.env["product.product"].create(
            {
                "name": "Card top-up",
                "categ_id": cls.categ_cards.id,
                "taxes_id": [Command.clear()],
            }
        )
        cls.dinner = cls.env["product.product"].create(
            {
                "name": "Banquet",
                "categ_id": cls.categ_catering.id,
                "taxes_id": [Command.clear()],
            }
        )
        cls.Rule.create(
            [
                {
                    "name": "Card top-up by a returning customer: 2 % to the seller",
                    "sequence": 10,
                    "product_categ_id": cls.categ_cards.id,
                    "deal_type": "followup",
                    "role": "referrer",
                    "rate": 2,
                },
                {
                    "name": "Card sale: 3 % up to 3,000, 4 % above",
                    "sequence": 20,
                    "product_categ_id": cls.categ_cards.id,
                    "deal_type": "first",
                    "role": "referrer",
                    "tier_ids": [
                        Command.create(
                            {"amount_from": 0, "amount_to": 3000, "rate": 3}
                        ),
                        Command.create({"amount_from": 3000, "rate": 4}),
                    ],
                },
                {
                    "name": "Catering 5 %",
                    "sequence": 30,
                    "product_categ_id": cls.categ_catering.id,
                    "rate": 5,
                },
            ]
        )
        cls.guest = cls.env["res.partner"].create({"name": "Hotel guest"})

    def _sale(self, product, amount, deal_type="first"):
        invoice = self._invoice(
            lines=[(product, 1, amount)],
            partner=self.guest,
            referrer=self.salesperson,
            referral_deal_type=deal_type,
        )
        self._pay(invoice, amount, date(2025, 2, 10))
        return self._lines(invoice)

    def test_hotel_cards_and_catering(self):
        line = self._sale(self.card, 3000)
        self.assertEqual((line.rate, line.amount), (3, 90))
        line = self._sale(self.card, 5000)
        self.assertEqual((line.rate, line.amount), (4, 200))
        line = self._sale(self.card, 2000, deal_type="followup")
        self.assertEqual((line.rate, line.amount), (2, 40))
        self.assertEqual(line.employee_id, self.salesperson)  # the original seller
        line = self._sale(self.dinner, 1200)
        self.assertEqual((line.rate, line.amount), (5, 60))
