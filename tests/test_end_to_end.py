"""The whole flow, from a participant's referral to the payslip (DOMAIN §2-§7).

Set-up (configuration, computed by hand):
- main company: first deal referrer : salesperson = 70 : 30; follow-up
  referrer : service : salesperson = 10 : 10 : 80; late brackets > 30 days -20 %,
  > 60 days -50 %, > 180 days -100 %; grades C/B/A = 1/5/30 points (default data).
- one commission rule: 1 % of the collected untaxed amount, every role; no other
  rule, multiplier or event reward.
- invoice 100,000 untaxed (no tax), dated 1 February 2025, due 1 March 2025.
  60,000 paid 15 March (14 days late: no deduction) -> rule amount 600
      referrer 70 % = 420, salesperson 30 % = 180.
  40,000 paid 15 May (75 days late: -50 %) -> rule amount 400
      referrer 280 - 50 % = 140, salesperson 120 - 50 % = 60.
  Referrer: March statement 420, May statement 140 (total 560 = 70 % of 800).
- payslip of March: wage 5,000 + commission 420 -> gross 5,420.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError

from .common import AsmCase
from .statement_common import setup_payroll

PARTICIPANT = "base.group_user,all_staff_marketing.group_participant"
CODE = "ASM_COMMISSION"


class TestEndToEnd(AsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company = cls.company
        company.write(
            {
                "asm_first_referrer_share": 70.0,
                "asm_first_salesperson_share": 30.0,
                "asm_first_service_share": 0.0,
                "asm_followup_referrer_share": 10.0,
                "asm_followup_salesperson_share": 80.0,
                "asm_followup_service_share": 10.0,
            }
        )
        # nothing configured in the database may interfere with the numbers
        env["asm.commission.rule"].search([]).action_archive()
        env["asm.commission.multiplier"].search([]).action_archive()
        env["asm.event.reward"].search([]).action_archive()
        env["asm.late.bracket"].search([("company_id", "=", company.id)]).unlink()
        env["asm.late.bracket"].create(
            [
                {"company_id": company.id, "days_over": days, "deduction": pct}
                for days, pct in ((30, 20), (60, 50), (180, 100))
            ]
        )
        cls.rule = env["asm.commission.rule"].create(
            {
                "name": "1 % of collected",
                "company_id": company.id,
                "rate": 1.0,
                "date_from": False,
            }
        )
        # people: a participant from the back office, a salesperson, service,
        # a manager running the scheme and two reviewers
        back_office = env["hr.department"].create(
            {"name": "Back Office", "company_id": company.id}
        )
        cls.user_ref = cls._new_user("asm_e2e_ref", PARTICIPANT, name="Rita Referrer")
        cls.user_sales = cls._new_user(
            "asm_e2e_sales",
            PARTICIPANT + ",sales_team.group_sale_salesman",
            name="Sam Sales",
        )
        cls.user_manager = cls._new_user(
            "asm_e2e_manager",
            "base.group_user,all_staff_marketing.group_manager",
            name="Max Manager",
        )
        cls.reviewer_1 = cls._new_user(
            "asm_e2e_rev1",
            "base.group_user,all_staff_marketing.group_approver_first",
            name="First Reviewer",
        )
        cls.reviewer_2 = cls._new_user(
            "asm_e2e_rev2",
            "base.group_user,all_staff_marketing.group_approver_second",
            name="Second Reviewer",
        )
        Employee = env["hr.employee"]
        cls.referrer = Employee.create(
            {
                "name": "Rita Referrer",
                "user_id": cls.user_ref.id,
                "department_id": back_office.id,
            }
        )
        cls.salesperson = Employee.create(
            {"name": "Sam Sales", "user_id": cls.user_sales.id}
        )
        cls.service = Employee.create({"name": "Sue Service"})
        cls.product = env["product.product"].create(
            {
                "name": "Warehouse roof",
                "type": "service",
                "list_price": 100000.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.structure = setup_payroll(env)[0]
        cls.contract = env["hr.contract"].create(
            {
                "name": "Rita 2025",
                "employee_id": cls.referrer.id,
                "wage": 5000.0,
                "date_start": "2025-01-01",
                "struct_id": cls.structure.id,
                "state": "open",
            }
        )

    def _points(self, lead):
        return sorted(
            self.env["asm.point.line"]
            .search([("lead_id", "=", lead.id), ("employee_id", "=", self.referrer.id)])
            .mapped("points")
        )

    def _order(self, **vals):
        return (
            self.env["sale.order"]
            .with_user(self.user_sales)
            .create(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 100000.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                    **vals,
                }
            )
        )

    def _pay(self, invoice, amount, pay_date):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": pay_date})._create_payments()
        # the commission lines are computed by the queue job, as after the commit
        self.env["asm.commission.engine"]._cron_recompute()

    def _validate(self, statement, user):
        action = statement.with_user(user).validate_tier()
        self.env["comment.wizard"].with_user(user).with_context(
            **action["context"]
        ).create({"comment": "Checked"}).add_comment()

    def _register(self, name):
        """A referral registered by the participant, through the participant's form."""
        return self._register_referral(
            self.user_ref,
            partner_name=name,
            contact_name="Mr. Zhao",
            phone="+86 138 0000 1234",
            email_from="zhao@northwind.example.com",
            referral_mode="handoff",
        )

    def _convert(self, lead, **vals):
        """The salesperson converts the lead, creating its customer."""
        self.env["crm.lead2opportunity.partner"].with_user(
            self.user_sales
        ).with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
        ).create({"name": "convert", "action": "create", **vals}).action_apply()

    def test_converted_without_salesperson_keeps_company(self):
        """Core CRM voids the company of an unassigned lead; the referral keeps its
        referrer's."""
        lead = self._register("Unassigned Ltd")
        self._convert(lead)
        self.assertEqual(lead.partner_id.commercial_partner_id.name, "Unassigned Ltd")
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.company_id, self.company)

    def test_referral_to_payslip(self):
        # 1. the participant registers a referral for a new company customer
        lead = self._register("Northwind Logistics")
        self.assertEqual(lead.referrer_id, self.referrer)
        self.assertFalse(self._points(lead))

        # 2. the salesperson converts it, creating the customer, and works it
        self._convert(lead, user_id=self.user_sales.id)
        lead = lead.with_user(self.user_sales)
        self.assertEqual(lead.type, "opportunity")
        contact = lead.partner_id
        customer = contact.commercial_partner_id
        self.assertEqual(contact.name, "Mr. Zhao")
        self.assertEqual(customer.name, "Northwind Logistics")
        self.assertTrue(customer.is_company)
        # who serves the customer is part of the split: an officer's choice
        lead.with_user(self.user_manager).service_employee_id = self.service
        lead.stage_id = self.env.ref("crm.stage_lead2")  # C
        self.assertEqual(self._points(lead), [1])
        lead.stage_id = self.env.ref("crm.stage_lead3")  # B
        self.assertEqual(self._points(lead), [1, 5])
        lead.action_set_won()  # A
        self.assertEqual(lead.asm_grade_code, "A")
        self.assertEqual(self._points(lead), [1, 5, 30])
        self.assertEqual(lead.asm_points, 36)

        # 3. quotation from the opportunity: first deal, 70 / 30
        order = self._order(partner_id=contact.id, opportunity_id=lead.id)
        self.assertEqual(
            (order.referrer_id, order.referral_mode, order.referral_deal_type),
            (self.referrer, "handoff", "first"),
        )
        self.assertEqual(
            (order.referrer_share, order.salesperson_share, order.service_share),
            (70.0, 30.0, 0.0),
        )
        order.action_confirm()
        owner = self.env["asm.customer.owner"].search(
            [("partner_id", "=", customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            (owner.referrer_id, owner.order_id, owner.service_employee_id),
            (self.referrer, order, self.service),
        )

        # 4. invoice from the order, untaxed 100,000, due 1 March 2025
        invoice = order._create_invoices()
        invoice.write(
            {"invoice_date": date(2025, 2, 1), "invoice_date_due": date(2025, 3, 1)}
        )
        self.assertEqual(
            (invoice.referrer_id, invoice.referrer_share, invoice.salesperson_share),
            (self.referrer, 70.0, 30.0),
        )
        self.assertEqual(invoice.invoice_user_id, self.user_sales)
        invoice.action_post()
        self.assertEqual(invoice.amount_untaxed, 100000.0)
        self.assertEqual(invoice.amount_total, 100000.0)

        # 5. money received: 60,000 on time, 40,000 75 days late
        self._pay(invoice, 60000, date(2025, 3, 15))
        self._pay(invoice, 40000, date(2025, 5, 15))
        lines = self.env["asm.commission.line"].search(
            [("invoice_id", "=", invoice.id)], order="date, role"
        )
        self.assertEqual(
            [
                (str(ln.date), ln.role, ln.days_late, ln.gross_amount, ln.amount)
                for ln in lines
            ],
            [
                ("2025-03-15", "referrer", 14, 420.0, 420.0),
                ("2025-03-15", "salesperson", 14, 180.0, 180.0),
                ("2025-05-15", "referrer", 75, 280.0, 140.0),
                ("2025-05-15", "salesperson", 75, 120.0, 60.0),
            ],
        )
        self.assertEqual(lines.rule_id, self.rule)
        self.assertEqual(set(lines.mapped("state")), {"payable"})

        # 6. monthly statements
        Statement = self.env["asm.statement"].with_user(self.user_manager)
        march = Statement._generate_statements(
            date(2025, 3, 1), date(2025, 3, 31), self.company
        )
        self.assertEqual(
            {(s.employee_id, s.amount_total) for s in march},
            {(self.referrer, 420.0), (self.salesperson, 180.0)},
        )
        may = Statement._generate_statements(
            date(2025, 5, 1), date(2025, 5, 31), self.company
        )
        self.assertEqual(
            {(s.employee_id, s.amount_total) for s in may},
            {(self.referrer, 140.0), (self.salesperson, 60.0)},
        )
        statement = march.filtered(lambda s: s.employee_id == self.referrer)
        self.assertEqual(statement.line_ids, lines[0])

        # 7. confirmed, then two reviewers in order
        statement.action_confirm()
        self.assertEqual(statement.state, "confirmed")
        with self.assertRaises(UserError):
            statement.with_user(self.reviewer_2).validate_tier()
        self._validate(statement, self.reviewer_1)
        self.assertEqual(statement.state, "confirmed")
        self._validate(statement, self.reviewer_2)
        self.assertEqual(statement.state, "approved")
        # approved is frozen
        with self.assertRaises(UserError):
            statement.line_ids.sudo().amount = 1.0

        # 8. payslip of March pays it with the salary
        slip = self.env["hr.payslip"].create(
            {
                "name": "Rita March 2025",
                "employee_id": self.referrer.id,
                "contract_id": self.contract.id,
                "struct_id": self.structure.id,
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
            }
        )
        slip.compute_sheet()
        commission = slip.input_line_ids.filtered(lambda line: line.code == CODE)
        self.assertEqual(commission.amount, statement.amount_total)
        self.assertEqual(commission.amount, 420.0)
        self.assertEqual(slip.get_salary_line_total(CODE), 420.0)
        self.assertEqual(slip.get_salary_line_total("GROSS"), 5420.0)
        slip.action_payslip_done()
        self.assertEqual(statement.state, "paid")
        self.assertEqual(statement.payslip_id, slip)
        self.assertEqual(slip.asm_statement_ids, statement)

        # 9. the customer's next order is a follow-up for the same referrer
        followup = self._order(partner_id=customer.id)
        self.assertEqual(
            (
                followup.referrer_id,
                followup.referral_deal_type,
                followup.service_employee_id,
            ),
            (self.referrer, "followup", self.service),
        )
        self.assertEqual(
            (
                followup.referrer_share,
                followup.service_share,
                followup.salesperson_share,
            ),
            (10.0, 10.0, 80.0),
        )
        followup.action_confirm()
        self.assertEqual(owner.order_id, order, "the owner stays the first order")
