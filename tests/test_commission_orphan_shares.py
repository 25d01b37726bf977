"""No share vanishes: a beneficiary without an employee (issue #8, item 6)."""

from datetime import date

from odoo.exceptions import ValidationError

from .commission_common import CommissionCase

PAID = date(2025, 2, 15)  # before the due date (1 March): no late deduction


class TestOrphanShares(CommissionCase):
    """Follow-up deal 10/80/10 (referrer/salesperson/service), 1 % rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_no_employee = cls._new_user(
            "asm_m2_noemp", "base.group_user,sales_team.group_sale_salesman"
        )

    def _followup_without_service(self, amount=100000):
        invoice = self._invoice(
            amount,
            shares=(10, 80, 10),
            referral_deal_type="followup",
            service_employee_id=False,
        )
        self._pay(invoice, amount, PAID)
        return invoice

    def test_settings_defaults(self):
        self.assertEqual(self.company.asm_orphan_share_policy, "referrer")
        self.assertEqual(self.company.asm_quota_grace_days, 5)
        with self.assertRaises(ValidationError):
            self.company.asm_quota_grace_days = -1

    def test_missing_service_goes_to_referrer(self):
        invoice = self._followup_without_service()
        # 1 % of 100,000 = 1,000: referrer 10 % + the service's 10 % = 100 + 100,
        # salesperson 80 % = 800
        ref_own = self._lines(invoice, employee_id=self.referrer.id, role="referrer")
        ref_service = self._lines(invoice, employee_id=self.referrer.id, role="service")
        seller = self._lines(invoice, employee_id=self.salesperson.id)
        self.assertEqual((ref_own.amount, ref_service.amount), (100, 100))
        self.assertEqual(self._total(ref_own | ref_service), 200)
        self.assertEqual(seller.amount, 800)
        self.assertEqual(self._total(self._lines(invoice)), 1000)  # nothing lost
        self.assertEqual(ref_service.share, 10)
        self.assertEqual(ref_service.state, "payable")
        self.assertEqual(
            ref_service.share_note,
            "Customer Service share redirected to Rita Referrer: the deal has no "
            "customer-service employee",
        )
        self.assertFalse(ref_own.share_note)
        self.assertFalse(seller.share_note)

    def test_missing_service_goes_to_salesperson(self):
        self.company.asm_orphan_share_policy = "salesperson"
        invoice = self._followup_without_service()
        seller = self._lines(invoice, employee_id=self.salesperson.id)
        self.assertEqual(sorted(seller.mapped("role")), ["salesperson", "service"])
        self.assertEqual(self._total(seller), 900)  # 800 + 100
        self.assertEqual(self._total(self._lines(invoice, role="referrer")), 100)
        self.assertEqual(self._total(self._lines(invoice)), 1000)
        self.assertIn(
            "redirected to Sam Salesperson",
            self._lines(invoice, role="service").share_note,
        )

    def test_missing_service_kept_by_company(self):
        self.company.asm_orphan_share_policy = "company"
        invoice = self._followup_without_service()
        kept = self._lines(invoice, role="service")
        self.assertEqual(kept.employee_id, self.referrer)  # holds the void line
        self.assertEqual((kept.state, kept.amount), ("void", 0))
        self.assertEqual(
            kept.reason,
            "Customer Service share kept by the company: the deal has no "
            "customer-service employee",
        )
        self.assertEqual(kept.share, 10)
        # paid: 100 + 800; the 100 of the service share stays with the company
        self.assertEqual(self._total(self._lines(invoice)), 900)

    def test_salesperson_without_employee_goes_to_referrer(self):
        invoice = self._invoice(
            100000, shares=(70, 30, 0), invoice_user_id=self.user_no_employee.id
        )
        self._pay(invoice, 100000, PAID)
        lines = self._lines(invoice)
        self.assertEqual(lines.employee_id, self.referrer)
        own = lines.filtered(lambda line: line.role == "referrer")
        moved = lines.filtered(lambda line: line.role == "salesperson")
        self.assertEqual((own.amount, moved.amount), (700, 300))
        self.assertEqual(
            moved.share_note,
            "Salesperson share redirected to Rita Referrer: salesperson "
            f"{self.user_no_employee.name} has no employee in {self.company.name}",
        )

    def test_sale_order_warns_before_confirmation(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_seller.id,
                "referrer_id": self.referrer.id,
                "referral_mode": "handoff",
                "referral_deal_type": "followup",
                "service_employee_id": False,
                "referrer_share": 10,
                "salesperson_share": 80,
                "service_share": 10,
            }
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(
            order.asm_share_warning,
            "Reward shares without an employee: the customer-service share (10 %): "
            "no customer-service employee is set; it goes to the referrer Rita "
            "Referrer (company setting 'Share without an employee').",
        )
        # the salesperson without employee is named too; the company keeps both
        self.company.asm_orphan_share_policy = "company"
        order.user_id = self.user_no_employee
        self.assertIn(
            f"salesperson {self.user_no_employee.name} has no employee",
            order.asm_share_warning,
        )
        self.assertIn("the company keeps it", order.asm_share_warning)
        # a complete order has no warning; the form shows it in an alert
        order.write(
            {"user_id": self.user_seller.id, "service_employee_id": self.service.id}
        )
        self.assertFalse(order.asm_share_warning)
        arch = self.env["sale.order"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn('name="asm_share_warning"', arch)
