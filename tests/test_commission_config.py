"""Bad configurations are refused with a message naming the field; access rules."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError

from .commission_common import CommissionCase


class TestCommissionConfig(CommissionCase):
    def test_rule_refusals(self):
        with self.assertRaisesRegex(ValidationError, r"Rate \(%\) cannot be negative"):
            self.Rule.create({"name": "Bad", "rate": -1})
        with self.assertRaisesRegex(ValidationError, "Landmark Uplift"):
            self.Rule.create({"name": "Bad", "rate": 1, "landmark_uplift": -10})
        with self.assertRaisesRegex(ValidationError, "needs a Fixed Amount"):
            self.Rule.create({"name": "Bad", "base": "fixed"})
        with self.assertRaisesRegex(ValidationError, "Valid From"):
            self.Rule.create(
                {
                    "name": "Bad",
                    "rate": 1,
                    "date_from": date(2025, 5, 1),
                    "date_to": date(2025, 4, 1),
                }
            )

    def _tiers(self, *tiers):
        return self.Rule.create(
            {
                "name": "Tiers",
                "tier_ids": [
                    Command.create({"amount_from": a, "amount_to": b, "rate": r})
                    for a, b, r in tiers
                ],
            }
        )

    def test_tier_refusals(self):
        with self.assertRaisesRegex(ValidationError, "overlaps.*Set 'Above'"):
            self._tiers((0, 500000, 1), (400000, 0, 1.5))
        with self.assertRaisesRegex(ValidationError, "leaves a gap.*Set 'Above'"):
            self._tiers((0, 500000, 1), (600000, 0, 1.5))
        with self.assertRaisesRegex(ValidationError, "no upper limit.*Set 'Up to'"):
            self._tiers((0, 0, 1), (500000, 0, 1.5))
        with self.assertRaisesRegex(ValidationError, "first contract-size tier"):
            self._tiers((100, 500000, 1))
        with self.assertRaisesRegex(ValidationError, r"Rate \(%\) cannot be negative"):
            self._tiers((0, 500000, -1))
        with self.assertRaisesRegex(ValidationError, "'Up to' must be above"):
            self._tiers((0, 500000, 1), (500000, 400000, 1.5))
        with self.assertRaisesRegex(ValidationError, "Contract-Size Tiers"):
            self.Rule.create(
                {
                    "name": "Bad",
                    "base": "fixed",
                    "fixed_amount": 100,
                    "tier_ids": [Command.create({"amount_from": 0, "rate": 1})],
                }
            )
        rule = self._tiers((0, 500000, 1), (500000, 0, 1.5))
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            rule.write(
                {"tier_ids": [Command.update(rule.tier_ids[1].id, {"amount_from": 1})]}
            )

    def test_multiplier_refusals(self):
        Mult = self.env["asm.commission.multiplier"]
        for factor in (0, -2.5):
            with self.assertRaisesRegex(ValidationError, "Factor must be above 0"):
                Mult.create({"name": "Bad", "factor": factor})

    def test_late_bracket_refusals(self):
        Bracket = self.env["asm.late.bracket"]
        with self.assertRaisesRegex(ValidationError, "out of order"):
            Bracket.create({"days_over": 90, "deduction": 10})  # 60 days: -50 %
        with self.assertRaisesRegex(ValidationError, "overlap.*More Than"):
            Bracket.create({"days_over": 60, "deduction": 50})
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            Bracket.create({"days_over": 365, "deduction": 120})
        # a new company gets the default schedule
        company = self.env["res.company"].create({"name": "Subsidiary B"})
        self.assertEqual(
            Bracket.search([("company_id", "=", company.id)]).mapped(
                lambda b: (b.days_over, b.deduction)
            ),
            [(30, 20), (60, 50), (180, 100)],
        )

    def test_event_reward_refusals(self):
        Reward = self.env["asm.event.reward"]
        with self.assertRaisesRegex(ValidationError, "Grade"):
            Reward.create({"name": "Bad", "event_type": "grade", "amount": 10})
        with self.assertRaisesRegex(ValidationError, "Lost Reason"):
            Reward.create({"name": "Bad", "event_type": "lost", "amount": 10})
        with self.assertRaisesRegex(ValidationError, "Minimum.*Maximum"):
            Reward.create(
                {
                    "name": "Bad",
                    "event_type": "manual",
                    "amount_min": 20000,
                    "amount_max": 5000,
                }
            )


class TestCommissionAccess(CommissionCase):
    """Participants read their own lines and statements only."""

    def test_participants_read_own_only(self):
        invoice = self._invoice(100000, shares=(70, 30, 0))
        self._pay(invoice, 100000, date(2025, 3, 1))
        mine = self._lines(invoice, role="referrer")
        theirs = self._lines(invoice, role="salesperson")
        statements = self.env["asm.statement"]._generate_statements(
            date(2025, 3, 1), date(2025, 3, 31)
        )
        my_statement = statements.filtered(lambda s: s.employee_id == self.referrer)
        their_statement = statements - my_statement
        user = self.user_referrer
        Line = self.Line.with_user(user)
        self.assertEqual(Line.search([("invoice_id", "=", invoice.id)]), mine)
        self.assertEqual(
            mine.with_user(user).read(["amount", "rule_id", "invoice_id"])[0]["amount"],
            700,
        )
        with self.assertRaises(AccessError):
            theirs.with_user(user).read(["amount"])
        Statement = self.env["asm.statement"].with_user(user)
        self.assertEqual(Statement.search([]), my_statement)
        self.assertEqual(my_statement.with_user(user).amount_total, 700)
        with self.assertRaises(AccessError):
            their_statement.with_user(user).read(["amount_total"])
        # nor change their own
        with self.assertRaises(AccessError):
            mine.with_user(user).write({"amount": 7000})
        with self.assertRaises(AccessError):
            self.rule.with_user(user).write({"rate": 50})
        # the rules that explain their amounts are readable
        self.assertEqual(self.rule.with_user(user).rate, 1.0)
