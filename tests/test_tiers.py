from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from .common_attr import AsmAttrCase


class TestCustomerTiers(AsmAttrCase):
    """A > 5,000,000 and B > 1,000,000 over 12 months of invoices less credit notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.tax = cls.env["account.tax"].create(
            {"name": "VAT 13% (tiers)", "amount": 13.0, "type_tax_use": "sale"}
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": name, "is_company": True}
                for name in (
                    "Below A",
                    "At A",
                    "Above A",
                    "At B",
                    "Above B",
                    "Old Buyer",
                )
            ]
        )
        (
            cls.below_a,
            cls.at_a,
            cls.above_a,
            cls.at_b,
            cls.above_b,
            cls.old_buyer,
        ) = cls.customers
        cls.invoices = {}
        for partner, amount in (
            (cls.below_a, 4_999_999.99),
            (cls.at_a, 5_000_000.00),
            (cls.above_a, 5_000_000.01),
            (cls.at_b, 1_000_000.00),
            (cls.above_b, 1_000_000.01),
        ):
            cls.invoices[partner] = cls._invoice(partner, amount)
        cls._invoice(cls.old_buyer, 9_000_000.0, cls.today - relativedelta(months=13))

    @classmethod
    def _invoice(cls, partner, amount, date=None, move_type="out_invoice"):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date or cls.today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            # a tax must not count: amounts are untaxed
                            "tax_ids": [Command.set(cls.tax.ids)],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _tiers(self):
        return {p.name: p.asm_customer_tier for p in self.customers}

    def test_thresholds_and_credit_note(self):
        self.company._asm_recompute_customer_tiers()
        self.assertEqual(
            self._tiers(),
            {
                "Below A": "B",
                "At A": "B",
                "Above A": "A",
                "At B": "C",
                "Above B": "B",
                "Old Buyer": False,  # nothing in the last 12 months, never tiered
            },
        )
        self.assertAlmostEqual(self.above_a.asm_tier_amount, 5_000_000.01, places=2)
        self.assertTrue(self.company.asm_tier_computed_at)
        # a credit note of 0.02 brings "Above A" down to 4,999,999.99: tier B
        refund = self.invoices[self.above_a]._reverse_moves(
            [{"invoice_date": self.today}]
        )
        refund.invoice_line_ids.price_unit = 0.02
        refund.action_post()
        self.company._asm_recompute_customer_tiers()
        self.assertEqual(self.above_a.asm_customer_tier, "B")
        self.assertAlmostEqual(self.above_a.asm_tier_amount, 4_999_999.99, places=2)
        # the change is tracked in the customer's tier history
        history = self.above_a.asm_tier_log_ids.sorted("id")
        self.assertEqual(
            [(h.tier_from, h.tier_to) for h in history], [(False, "A"), ("A", "B")]
        )
        self.assertAlmostEqual(history[-1].amount, 4_999_999.99, places=2)
        # nothing changed, nothing logged
        self.company._asm_recompute_customer_tiers()
        self.assertEqual(len(self.above_a.asm_tier_log_ids), 2)

    def test_tiers_are_per_company_and_filters(self):
        company_b = self.env["res.company"].create({"name": "Tier B Co"})
        self.company._asm_recompute_customer_tiers()
        self.assertEqual(self.above_a.with_company(company_b).asm_customer_tier, False)
        self.assertEqual(self.above_a.with_company(self.company).asm_customer_tier, "A")
        Partner = self.env["res.partner"].with_company(self.company)
        self.assertEqual(
            Partner.search([("asm_customer_tier", "=", "A")]) & self.customers,
            self.above_a,
        )
        # A-tier without a dedicated account manager is flagged
        self.assertTrue(self.above_a.asm_tier_needs_manager)
        self.assertIn(
            self.above_a, Partner.search([("asm_tier_needs_manager", "=", True)])
        )
        self.above_a.user_id = self.user_sales
        self.assertFalse(self.above_a.asm_tier_needs_manager)
        self.assertNotIn(
            self.above_a, Partner.search([("asm_tier_needs_manager", "=", True)])
        )
        # group by tier (contacts) and by the customer's tier (CRM)
        groups = dict(
            Partner._read_group(
                [("id", "in", self.customers.ids)], ["asm_customer_tier"], ["__count"]
            )
        )
        self.assertEqual(groups, {"A": 1, "B": 3, "C": 1, False: 1})
        lead = self._referral(self.alice, partner_id=self.above_a.id)
        groups = dict(
            self.env["crm.lead"]._read_group(
                [("id", "=", lead.id)], ["asm_customer_tier"], ["__count"]
            )
        )
        self.assertEqual(groups, {"A": 1})

    def test_threshold_change_and_on_demand(self):
        self.company.asm_tier_a_threshold = 4_000_000.0
        action = self.env["res.config.settings"].create({}).action_asm_recompute_tiers()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.below_a.asm_customer_tier, "A")

    def test_batch_query_count_does_not_grow(self):
        """Same number of queries for 6 customers as for 26: one batch, no loop."""
        self.company._asm_recompute_customer_tiers()
        self.env["res.partner"].invalidate_model()
        before = self.env.cr.sql_log_count
        self.company.asm_tier_a_threshold = 6_000_000.0
        self.company._asm_recompute_customer_tiers()
        small = self.env.cr.sql_log_count - before
        more = self.env["res.partner"].create(
            [{"name": f"Extra {i}", "is_company": True} for i in range(20)]
        )
        for i, partner in enumerate(more):
            self._invoice(partner, 2_000_000.0 + i)
        self.env.flush_all()
        self.env["res.partner"].invalidate_model()
        before = self.env.cr.sql_log_count
        self.company.asm_tier_a_threshold = 7_000_000.0
        self.company._asm_recompute_customer_tiers()
        large = self.env.cr.sql_log_count - before
        self.assertEqual(large, small)
        self.assertLessEqual(large, 12)
        self.assertEqual(set(more.mapped("asm_customer_tier")), {"B"})
