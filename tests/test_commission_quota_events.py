"""Monthly quota of business staff, event rewards and manual awards."""

import itertools
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.date_utils import end_of, start_of

from .commission_common import CommissionCase


class TestCommissionQuota(CommissionCase):
    """Sales (business) quota: 100,000 collected per employee and month."""

    def _sale(self, employee, amount, pay_date):
        invoice = self._invoice(
            amount,
            referrer=employee,
            invoice_date=pay_date - timedelta(days=5),
            due=pay_date + timedelta(days=30),
        )
        self._pay(invoice, amount, pay_date)
        return self._lines(invoice)

    def test_quota_holds_then_releases(self):
        today = fields.Date.context_today(self.Line)
        first = self._sale(self.business_emp, 60000, today)
        self.assertEqual(first.state, "on_hold")
        self.assertEqual(first.amount, 600)
        self.assertEqual(first.credited_amount, 60000)
        self.assertEqual(first.reason, "Waiting for the monthly quota")
        # a statement does not take lines on hold
        month = start_of(today, "month")
        self.assertFalse(self.env["asm.statement"]._generate_statements(month, today))
        second = self._sale(self.business_emp, 50000, today)  # 110,000 >= 100,000
        self.assertEqual((first | second).mapped("state"), ["payable", "payable"])
        self.assertFalse(first.reason)
        # non-business staff have no quota
        other = self._sale(self.referrer, 10000, today)
        self.assertEqual(other.state, "payable")

    def test_quota_unmet_month_is_voided(self):
        today = fields.Date.context_today(self.Line)
        lines = self._sale(self.business_emp2, 40000, today)
        self.assertEqual(lines.state, "on_hold")
        self.Line._update_quota_states()  # without ``close`` no month is closed
        self.assertEqual(lines.state, "on_hold")
        # the month closes once its 5 days of grace are over
        month_end = end_of(today, "month")
        self.Line._cron_update_quota_states(today=month_end + timedelta(days=5))
        self.assertEqual(lines.state, "on_hold")
        self.Line._cron_update_quota_states(today=month_end + timedelta(days=6))
        self.assertEqual(lines.state, "void")
        self.assertIn("Monthly quota not met", lines.reason)
        self.assertIn("40,000.00", lines.reason)
        self.assertEqual(lines.amount, 400)  # kept, to explain

    def test_reversal_of_held_line_voids_both(self):
        today = fields.Date.context_today(self.Line)
        line = self._sale(self.business_emp, 30000, today)
        line.invoice_id.line_ids.filtered(
            lambda aml: aml.display_type == "payment_term"
        ).remove_move_reconcile()
        self._run_job()
        reversal = self._lines(line.invoice_id, kind="reversal")
        self.assertEqual((line.state, reversal.state), ("void", "void"))
        self.assertEqual(reversal.amount, -300)


class TestEventRewards(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Reward = cls.env["asm.event.reward"]
        cls.bid_lost = cls.env.ref("all_staff_marketing.crm_lost_reason_bid_lost")
        cls.reward_b = Reward.create(
            {
                "name": "B-grade lead",
                "event_type": "grade",
                "grade": "B",
                "beneficiary_scope": "non_business",
                "amount": 200,
            }
        )
        cls.reward_lost = Reward.create(
            {
                "name": "Information for a lost bid",
                "event_type": "lost",
                "lost_reason_id": cls.bid_lost.id,
                "amount": 300,
            }
        )
        cls.reward_panel = Reward.create(
            {
                "name": "Supplier panel entry",
                "event_type": "manual",
                "amount_min": 5000,
                "amount_max": 20000,
            }
        )
        cls.officer = cls._new_user(
            "asm_c_officer", "base.group_user,all_staff_marketing.group_officer"
        )

    _customer_seq = itertools.count(1)

    def _lead(self, referrer):
        # a customer of its own: a second referral of one customer is refused
        customer = self.env["res.partner"].create(
            {"name": f"Stadium owner {next(self._customer_seq)}", "is_company": True}
        )
        return self.env["crm.lead"].create(
            {
                "name": "Stadium roof",
                "type": "opportunity",
                "partner_id": customer.id,
                "referrer_id": referrer.id,
                "referrer_share": 100,
                "salesperson_share": 0,
                "service_share": 0,
            }
        )

    def test_grade_reward(self):
        lead = self._lead(self.referrer)
        lines = self.Line._create_event_lines("grade", lead, grade="B")
        self.assertEqual(lines.amount, 200)
        self.assertEqual(
            (lines.employee_id, lines.role, lines.kind, lines.lead_id),
            (self.referrer, "event", "event", lead),
        )
        self.assertEqual(lines.event_reward_id, self.reward_b)
        # once per lead, whatever calls it again
        self.assertFalse(self.Line._create_event_lines("grade", lead, grade="B"))
        self.assertFalse(self.Line._create_event_lines("grade", lead, grade="C"))
        # business staff do not get this reward
        business_lead = self._lead(self.business_emp)
        self.assertFalse(
            self.Line._create_event_lines("grade", business_lead, grade="B")
        )

    def test_bid_lost_reward(self):
        lead = self._lead(self.referrer)
        lead.action_set_lost(lost_reason_id=self.bid_lost.id)
        line = self.Line.search([("lead_id", "=", lead.id)])
        self.assertEqual(line.amount, 300)
        self.assertEqual(line.event_reward_id, self.reward_lost)
        other = self._lead(self.referrer)
        other.action_set_lost(
            lost_reason_id=self.env["crm.lost.reason"].create({"name": "Too pricey"}).id
        )
        self.assertFalse(self.Line.search([("lead_id", "=", other.id)]))

    def test_stage_changes_pay_points_and_grade_reward(self):
        """Moving a lead to the B stage gives +5 points and the B reward (200)."""
        stage_c = self.env.ref("crm.stage_lead2")
        stage_b = self.env.ref("crm.stage_lead3")
        lead = self._lead(self.referrer)
        lead.stage_id = stage_c
        self.assertEqual(lead.asm_points, 1)
        self.assertFalse(self.Line.search([("lead_id", "=", lead.id)]))
        lead.stage_id = stage_b
        self.assertEqual(lead.asm_points, 1 + 5)
        line = self.Line.search([("lead_id", "=", lead.id)])
        self.assertEqual((line.amount, line.event_reward_id), (200, self.reward_b))
        self.assertEqual((line.employee_id, line.state), (self.referrer, "to_confirm"))
        # back and forth: the points move back and come again, the reward stays once
        lead.stage_id = stage_c
        self.assertEqual(lead.asm_points, 1)
        lead.stage_id = stage_b
        self.assertEqual(lead.asm_points, 6)
        self.assertEqual(len(self.Line.search([("lead_id", "=", lead.id)])), 1)
        # straight to won (A): B was reached on the way, as for the points
        jumper = self._lead(self.referrer)
        jumper.stage_id = self.env.ref("crm.stage_lead4")
        self.assertEqual(jumper.asm_points, 1 + 5 + 30)
        self.assertEqual(self.Line.search([("lead_id", "=", jumper.id)]).amount, 200)
        # business staff: points, no reward
        business_lead = self._lead(self.business_emp)
        business_lead.stage_id = stage_b
        self.assertEqual(business_lead.asm_points, 6)
        self.assertFalse(self.Line.search([("lead_id", "=", business_lead.id)]))

    def test_crm_reward_is_confirmed_by_someone_else(self):
        """Issue #18: a reward triggered by a CRM change is one person's word."""
        crm = ",sales_team.group_sale_salesman_all_leads"
        trigger = self._new_user(
            "asm_c_trigger", "base.group_user,all_staff_marketing.group_manager" + crm
        )
        manager = self._new_user(
            "asm_c_confirm", "base.group_user,all_staff_marketing.group_manager" + crm
        )
        lead = self._lead(self.referrer)
        lead.with_user(trigger).write({"stage_id": self.env.ref("crm.stage_lead3").id})
        line = self.Line.search([("lead_id", "=", lead.id)])
        self.assertEqual(
            (line.amount, line.state, line.create_uid), (200, "to_confirm", trigger)
        )
        self.assertIn(trigger.name, line.reason)
        with self.assertRaisesRegex(UserError, "you triggered it or it pays you"):
            line.with_user(trigger).action_confirm_reward()
        with self.assertRaises(AccessError):
            line.with_user(self.user_referrer).action_confirm_reward()
        line.with_user(manager).action_confirm_reward()
        self.assertEqual((line.state, line.amount), ("payable", 200))
        self.assertIn(manager.name, line.reason)
        with self.assertRaisesRegex(UserError, "not an event reward waiting"):
            line.with_user(manager).action_confirm_reward()
        # a lost bid's reward refused by the second person: void
        other = self._lead(self.referrer)
        other.with_user(trigger).action_set_lost(lost_reason_id=self.bid_lost.id)
        lost = self.Line.search([("lead_id", "=", other.id)])
        self.assertEqual((lost.amount, lost.state), (300, "to_confirm"))
        lost.with_user(manager).action_refuse_reward()
        self.assertEqual(lost.state, "void")
        self.assertIn(manager.name, lost.reason)

    def test_business_staff_earn_nothing_on_c_grade(self):
        """DOMAIN §5 (004 六(一)2): C-grade leads pay non-business staff only."""
        reward_c = self.env["asm.event.reward"].create(
            {
                "name": "C-grade lead (non-business staff)",
                "event_type": "grade",
                "grade": "C",
                "beneficiary_scope": "non_business",
                "amount": 50,
            }
        )
        stage_c = self.env.ref("crm.stage_lead2")
        lead = self._lead(self.referrer)
        lead.stage_id = stage_c
        line = self.Line.search([("lead_id", "=", lead.id)])
        self.assertEqual((line.amount, line.event_reward_id), (50, reward_c))
        business_lead = self._lead(self.business_emp)
        business_lead.stage_id = stage_c
        self.assertEqual(business_lead.asm_points, 1)
        self.assertFalse(self.Line.search([("lead_id", "=", business_lead.id)]))

    def test_lost_bid_reverses_points_and_pays_once(self):
        """Lost with 'bid lost': points reversed, 300 paid once even if lost twice."""
        lead = self._lead(self.referrer)
        lead.stage_id = self.env.ref("crm.stage_lead3")
        lead.action_set_lost(lost_reason_id=self.bid_lost.id)
        self.assertEqual(lead.asm_points, 0)
        lines = self.Line.search([("lead_id", "=", lead.id)])
        self.assertEqual(sorted(lines.mapped("amount")), [200, 300])
        lead.action_unarchive()
        self.assertEqual(lead.asm_points, 6)
        lead.action_set_lost(lost_reason_id=self.bid_lost.id)
        self.assertEqual(lead.asm_points, 0)
        self.assertEqual(len(self.Line.search([("lead_id", "=", lead.id)])), 2)
        self.assertEqual(
            len(
                self.env["asm.point.line"].search(
                    [("lead_id", "=", lead.id), ("kind", "=", "reversal")]
                )
            ),
            4,
            "C and B reversed on each of the two losses",
        )

    def test_manual_award_within_range(self):
        # officers grant awards to their team (here: a direct report)
        self.referrer.parent_id = self.env["hr.employee"].create(
            {"name": "Otto Officer", "user_id": self.officer.id}
        )
        Award = self.env["asm.award"].with_user(self.officer)
        vals = {
            "name": "Entered ACME's supplier panel",
            "event_reward_id": self.reward_panel.id,
            "employee_id": self.referrer.id,
            "partner_id": self.customer.id,
        }
        with self.assertRaisesRegex(ValidationError, "Amount must be between"):
            Award.create(dict(vals, amount=25000))
        with self.assertRaisesRegex(ValidationError, "Amount must be between"):
            Award.create(dict(vals, amount=4999.99))
        award = Award.create(dict(vals, amount=5000))
        award.action_confirm()
        self.assertEqual(award.state, "done", "5,000 is not above the threshold")
        self.assertEqual(award.sudo().line_ids.amount, 5000)
        # above the threshold (5,000 by default) a manager approves it first
        award = Award.create(dict(vals, amount=10000))
        award.action_confirm()
        self.assertEqual(award.state, "confirmed")
        self.assertFalse(award.sudo().line_ids)
        self._validate_tiers_as(award, self.env.ref("base.user_admin"))
        self.assertEqual(award.state, "done")
        line = award.sudo().line_ids
        self.assertEqual(
            (line.amount, line.kind, line.state), (10000, "award", "payable")
        )
        self.assertEqual(line.employee_id, self.referrer)
