"""Shared set-up of the commission tests: employees, products, invoices, payments."""

from datetime import date

from odoo import Command

from .common import AsmCase


class CommissionCase(AsmCase):
    """Main company, tax-free products, employees in departments, one 1 % rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.currency = cls.company.currency_id
        cls.engine = env["asm.commission.engine"]
        cls.Line = env["asm.commission.line"]
        # rules start today by default; these tests pay invoices of 2025
        cls.Rule = env["asm.commission.rule"].with_context(default_date_from=False)
        # no configuration of the database may interfere with the numbers below
        env["asm.commission.rule"].search([]).action_archive()
        env["asm.commission.multiplier"].search([]).action_archive()
        env["asm.event.reward"].search([]).action_archive()
        brackets = env["asm.late.bracket"].search([("company_id", "=", cls.company.id)])
        brackets.unlink()
        env["asm.late.bracket"].create(
            [
                {"company_id": cls.company.id, "days_over": 30, "deduction": 20},
                {"company_id": cls.company.id, "days_over": 60, "deduction": 50},
                {"company_id": cls.company.id, "days_over": 180, "deduction": 100},
            ]
        )
        Dept = env["hr.department"]
        cls.dept_ops = Dept.create({"name": "Operations", "company_id": cls.company.id})
        cls.dept_marketing = Dept.create(
            {"name": "Marketing", "company_id": cls.company.id}
        )
        cls.dept_sales = Dept.create(
            {
                "name": "Sales (business)",
                "company_id": cls.company.id,
                "asm_business": True,
                "asm_monthly_quota": 100000,
            }
        )
        cls.job_manager = env["hr.job"].create(
            {"name": "Manager", "company_id": cls.company.id}
        )
        groups = "base.group_user,all_staff_marketing.group_participant"
        cls.user_referrer = cls._new_user("asm_c_ref", groups)
        cls.user_seller = cls._new_user("asm_c_sell", groups)
        cls.user_service = cls._new_user("asm_c_serv", groups)
        Emp = env["hr.employee"]
        cls.referrer = Emp.create(
            {
                "name": "Rita Referrer",
                "department_id": cls.dept_ops.id,
                "user_id": cls.user_referrer.id,
            }
        )
        cls.salesperson = Emp.create(
            {
                "name": "Sam Salesperson",
                "department_id": cls.dept_ops.id,
                "user_id": cls.user_seller.id,
            }
        )
        cls.service = Emp.create(
            {
                "name": "Cora Service",
                "department_id": cls.dept_ops.id,
                "user_id": cls.user_service.id,
            }
        )
        cls.marketer = Emp.create(
            {"name": "Mia Marketing", "department_id": cls.dept_marketing.id}
        )
        cls.manager_emp = Emp.create(
            {
                "name": "Max Manager",
                "department_id": cls.dept_ops.id,
                "job_id": cls.job_manager.id,
            }
        )
        cls.business_emp = Emp.create(
            {"name": "Bea Business", "department_id": cls.dept_sales.id}
        )
        cls.business_emp2 = Emp.create(
            {"name": "Ben Business", "department_id": cls.dept_sales.id}
        )
        cls.customer = env["res.partner"].create({"name": "ACME Construction"})
        cls.categ_services = env["product.category"].create({"name": "Services"})
        cls.product = env["product.product"].create(
            {
                "name": "Construction works",
                "type": "service",
                "categ_id": cls.categ_services.id,
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.rule = cls.Rule.create(
            {
                "name": "1 % of collected",
                "sequence": 100,
                "company_id": cls.company.id,
                "base": "collected",
                "rate": 1.0,
            }
        )

    # ------------------------------------------------------------------
    @classmethod
    def _invoice(
        cls,
        amount=None,
        lines=None,
        invoice_date=date(2025, 2, 1),
        due=date(2025, 3, 1),
        referrer=None,
        shares=(100, 0, 0),
        move_type="out_invoice",
        post=True,
        **extra,
    ):
        """Post a customer invoice; ``lines`` = [(product, quantity, unit price)]."""
        lines = lines or [(cls.product, 1, amount)]
        vals = {
            "move_type": move_type,
            "partner_id": extra.pop("partner", cls.customer).id,
            "invoice_date": invoice_date,
            "invoice_user_id": cls.user_seller.id,
            "referrer_id": (referrer or cls.referrer).id,
            "referral_mode": "handoff",
            "referral_deal_type": "first",
            "service_employee_id": cls.service.id,
            "referrer_share": shares[0],
            "salesperson_share": shares[1],
            "service_share": shares[2],
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": qty,
                        "price_unit": price,
                        "tax_ids": [Command.clear()],
                    }
                )
                for product, qty, price in lines
            ],
            **extra,
        }
        if due and "invoice_payment_term_id" not in extra:
            vals["invoice_date_due"] = due
        move = cls.env["account.move"].create(vals)
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, move, amount, pay_date, run_job=True):
        """Register a payment of ``amount`` on ``move`` (invoice or credit note),
        then run the commission job (``run_job``) as the cron does after commit."""
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": pay_date})
        )
        payments = wizard._create_payments()
        if run_job:
            cls._run_job()
        return payments

    @classmethod
    def _early_discount_term(cls):
        """Payment term "30 days, 2 % within 10 days" (early-payment discount)."""
        return cls.env["account.payment.term"].create(
            {
                "name": "30 days, 2 % within 10 days",
                "early_discount": True,
                "discount_percentage": 2,
                "discount_days": 10,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 30}
                    )
                ],
            }
        )

    @classmethod
    def _run_job(cls):
        """Run the commission queue job (payments are computed in the background)."""
        return cls.env["asm.commission.engine"]._cron_recompute()

    def _lines(self, invoice, **domain):
        dom = [("invoice_id", "=", invoice.id)]
        dom += [(key, "=", value) for key, value in domain.items()]
        return self.Line.search(dom, order="id")

    def _total(self, lines):
        return self.currency.round(sum(lines.mapped("amount")))
