"""The Simplified Chinese translation loads and is used for a zh_CN user."""
# ruff: noqa: RUF001  (Chinese text uses full-width parentheses on purpose)

from odoo.exceptions import ValidationError

from .common import AsmCase

MODULES = ["all_staff_marketing", "all_staff_marketing_payroll"]


class TestI18n(AsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        installed = (
            cls.env["ir.module.module"]
            .search([("name", "in", MODULES), ("state", "=", "installed")])
            .mapped("name")
        )
        cls.payroll = "all_staff_marketing_payroll" in installed
        cls.env["ir.module.module"]._load_module_terms(installed, ["zh_CN"])
        cls.user = cls._new_user(
            "asm_zh",
            "base.group_user,all_staff_marketing.group_manager",
            lang="zh_CN",
        )
        cls.zh = cls.env(user=cls.user, context=dict(cls.env.context, lang="zh_CN"))

    def test_menu_and_model_names(self):
        root = self.zh.ref("all_staff_marketing.menu_root")
        self.assertEqual(root.name, "全员营销")
        self.assertEqual(self.zh["ir.model"]._get("asm.statement").name, "提成结算单")

    def test_field_and_selection_labels(self):
        fields = self.zh["asm.commission.line"].fields_get(["state", "kind", "role"])
        self.assertEqual(
            dict(fields["state"]["selection"]),
            {
                "to_confirm": "待确认",
                "on_hold": "暂缓",
                "payable": "可发放",
                "void": "作废",
            },
        )
        self.assertEqual(dict(fields["kind"]["selection"])["clawback"], "退款（追回）")
        self.assertEqual(dict(fields["role"]["selection"])["referrer"], "推荐人")
        modes = self.zh["crm.lead"].fields_get(["referral_mode"])["referral_mode"]
        self.assertEqual(
            dict(modes["selection"]), {"direct": "直接促成", "handoff": "转接促成"}
        )

    def test_view_terms(self):
        arch = self.zh["asm.commission.rule"].get_view(view_type="form")["arch"]
        self.assertIn("合同金额档位", arch)
        self.assertNotIn("Contract-Size Tiers", arch)

    def test_code_message(self):
        with self.assertRaisesRegex(ValidationError, "逾期扣减档.*0 至 100 之间"):
            self.zh["asm.late.bracket"].create({"days_over": 10, "deduction": 120.0})

    def test_payroll_terms(self):
        if not self.payroll:
            self.skipTest("all_staff_marketing_payroll is not installed")
        rule = self.zh.ref("all_staff_marketing_payroll.hr_salary_rule_asm_commission")
        self.assertEqual(rule.sudo().name, "提成（已审批结算单）")
