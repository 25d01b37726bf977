"""Issue #13, the first hour of a Chinese SME: one test class per screen touched."""
# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)

import io
import os
from datetime import date

import polib
from lxml import etree
from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form
from odoo.tools.translate import code_translations

from .commission_common import CommissionCase
from .common import REFERRAL_FORM, AsmCase
from .common_attr import AsmAttrCase

ADDON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "all_staff_marketing")
PO_PATH = os.path.join(ADDON, "i18n", "zh_CN.po")
RULE_FORM = "all_staff_marketing.asm_commission_rule_view_form"


class TestFirstHourReferral(AsmAttrCase):
    """Items 1 and 2: settings keep the employee price; a referral submits at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pricelist_feature = cls.env.ref("product.group_product_pricelist")
        cls.internal = cls.env.ref("base.group_user")
        cls.customer = cls.env["res.partner"].create({"name": "Staff Friend"})

    def _employee_pricelist(self):
        return self.env["product.pricelist"].create(
            {"name": "Staff price", "asm_employee_price": True}
        )

    def test_1_saving_settings_keeps_employee_price(self):
        """A fresh database without Pricelists: flagging an employee price list turns
        the feature on, so saving the settings no longer archives it."""
        self.internal._remove_group(self.pricelist_feature)
        self.assertNotIn(self.pricelist_feature, self.internal.implied_ids)
        pricelist = self._employee_pricelist()
        self.assertIn(self.pricelist_feature, self.internal.implied_ids)
        # README step 1: tick "Every employee is a participant" and save
        settings = self.env["res.config.settings"].create(
            {"group_asm_all_participants": True}
        )
        self.assertTrue(settings.group_product_pricelist)
        settings.execute()
        self.assertTrue(pricelist.active)
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "pricelist_id": pricelist.id}
        )
        self.assertTrue(order.referral_excluded)
        self.assertIn("Staff price", order.referral_exclusion_reason)

    def test_1_employee_price_is_never_a_customers_default(self):
        """Issue #24 item 3: with the employee price list first (the demo had no
        other), every new quotation got it and earned nothing."""
        Pricelist = self.env["product.pricelist"]
        others = Pricelist.search([("company_id", "in", [self.company.id, False])])
        others.write({"sequence": 50})
        staff = Pricelist.create(
            {"name": "Staff price", "asm_employee_price": True, "sequence": 1}
        )
        self.assertEqual(Pricelist.search([], limit=1), staff)
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.assertNotEqual(order.pricelist_id, staff)
        self.assertFalse(order.referral_excluded)
        self.assertNotEqual(self.customer.property_product_pricelist, staff)
        # where someone chooses it, it applies, and the order says it earns nothing
        self.customer.property_product_pricelist = staff
        chosen = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.assertEqual(chosen.pricelist_id, staff)
        self.assertTrue(chosen.referral_excluded)

    def test_commission_groups_do_not_add_rates(self):
        """Issue #24 item 10: grouped commission lists summed rates, multipliers
        and shares; amounts still add up, days late show the longest delay."""
        described = self.env["asm.commission.line"].fields_get(
            ["rate", "multiplier", "share", "deduction_pct", "paid_ratio", "amount"],
            ["aggregator"],
        )
        self.assertEqual(
            {name: info.get("aggregator") for name, info in described.items()},
            {
                "rate": None,
                "multiplier": None,
                "share": None,
                "deduction_pct": None,
                "paid_ratio": None,
                "amount": "sum",
            },
        )

    def test_1_flag_set_later_and_feature_cannot_be_switched_off(self):
        self.internal._remove_group(self.pricelist_feature)
        pricelist = self.env["product.pricelist"].create({"name": "Retail"})
        self.assertNotIn(self.pricelist_feature, self.internal.implied_ids)
        pricelist.asm_employee_price = True
        self.assertIn(self.pricelist_feature, self.internal.implied_ids)
        settings = self.env["res.config.settings"].create(
            {"group_product_pricelist": False}
        )
        with self.assertRaisesRegex(UserError, "Retail"):
            settings.execute()
        self.assertTrue(pricelist.active)
        # a database updated from before the fix gets the feature back
        self.internal._remove_group(self.pricelist_feature)
        self.env["product.pricelist"]._asm_init_pricelist_feature()
        self.assertIn(self.pricelist_feature, self.internal.implied_ids)

    def test_2_mode_defaults_to_company_choice(self):
        self.assertEqual(self.company.asm_default_referral_mode, "handoff")
        lead = self._register_referral(self.user_alice, partner_name="Canteen Co.")
        self.assertEqual(lead.referral_mode, "handoff")
        self.company.asm_default_referral_mode = "direct"
        lead = self._register_referral(self.user_alice, partner_name="Hotel Co.")
        self.assertEqual(lead.referral_mode, "direct")
        self.assertEqual(lead.referrer_id, self.alice)

    def test_2_submit_button(self):
        Lead = (
            self.env["crm.lead"]
            .with_user(self.user_alice)
            .with_context(asm_my_referral=True, default_user_id=False)
        )
        arch = etree.fromstring(Lead.get_view(self.env.ref(REFERRAL_FORM).id)["arch"])
        (button,) = arch.xpath("//button[@name='action_asm_submit_referral']")
        self.assertEqual(button.get("string"), "Submit referral")
        self.assertEqual(button.get("invisible"), "id")
        # required fields say so before submitting
        for fname in ("partner_name", "referral_mode"):
            self.assertEqual(
                arch.xpath(f"//field[@name='{fname}']")[0].get("required"), "1"
            )
        # the client saves the new record (create: participants have no write) ...
        with Form(Lead, view=REFERRAL_FORM) as form:
            form.partner_name = "River Hospital"
            form.phone = "+86 21 5555 0101"
        lead = form.record
        # ... then calls the button on it
        action = lead.action_asm_submit_referral()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("River Hospital", action["params"]["message"])
        my_referrals = self.env.ref("all_staff_marketing.asm_referral_action_my")
        self.assertEqual(action["params"]["next"]["id"], my_referrals.id)
        # only on one's own referral
        with self.assertRaises(AccessError):
            lead.with_user(self.user_bob).action_asm_submit_referral()
        # the participant whitelist still holds
        with self.assertRaises(UserError):
            lead.write({"user_id": self.user_sales.id})


class TestFirstHourCommission(CommissionCase):
    """Items 3 and 6: rule precedence visible; statement lines explain themselves."""

    def test_3_rule_shadowing(self):
        # cls.rule: sequence 100, main company, no filter, 1 %
        narrow = self.Rule.create(
            {
                "name": "Referrer, direct: 2 %",
                "sequence": 200,
                "company_id": self.company.id,
                "role": "referrer",
                "referral_mode": "direct",
                "rate": 2.0,
            }
        )
        before = self.Rule.create(
            {
                "name": "Salesperson: 3 %",
                "sequence": 50,
                "company_id": self.company.id,
                "role": "salesperson",
                "rate": 3.0,
            }
        )
        self.assertEqual(narrow.shadowed_by_ids, self.rule)
        self.assertEqual(self.rule.shadows_ids, narrow)
        # a narrower rule tried first shadows nothing wider
        self.assertFalse(before.shadows_ids)
        self.assertFalse(self.rule.shadowed_by_ids)
        # a category rule hides a rule on its sub-category tried later
        sub = self.env["product.category"].create(
            {"name": "Piling", "parent_id": self.categ_services.id}
        )
        parent_rule = self.Rule.create(
            {
                "name": "Services",
                "sequence": 10,
                "product_categ_id": self.categ_services.id,
            }
        )
        sub_rule = self.Rule.create(
            {"name": "Piling", "sequence": 20, "product_categ_id": sub.id}
        )
        self.assertIn(parent_rule, sub_rule.shadowed_by_ids)
        self.assertNotIn(sub_rule, parent_rule.shadowed_by_ids)
        # archived rules are never tried: they shadow nothing
        self.rule.action_archive()
        narrow.invalidate_recordset()
        self.assertFalse(narrow.shadowed_by_ids)
        self.rule.action_unarchive()
        # a draft rule in the form says it would never apply
        with Form(self.Rule, view=RULE_FORM) as form:
            form.name = "New 1 % rule"
            form.sequence = 300
            form.rate = 1.0
            self.assertIn(self.rule, form.shadowed_by_ids)
            self.assertIn("first matching rule wins", self.env.ref(RULE_FORM).arch)

    def test_6_late_line_explained_on_statement_and_xlsx(self):
        """40,000 paid 75 days late (due 1 March, paid 15 May), 1 %, referrer 70 %:
        400 x 70 % = 280 gross, -50 % = 140 net; salesperson 30 %: 120 -> 60."""
        invoice = self._invoice(40000, shares=(70, 30, 0))
        self._pay(invoice, 40000, date(2025, 5, 15))
        line = self._lines(invoice, role="referrer")
        self.assertEqual(
            (line.base_amount, line.rate, line.share, line.days_late),
            (40000, 1.0, 70, 75),
        )
        self.assertEqual(
            (line.deduction_pct, line.gross_amount, line.amount), (50, 280, 140)
        )
        self.assertEqual(line.explanation, "Paid 75 days late: -50 %")
        seller = self._lines(invoice, role="salesperson")
        self.assertEqual((seller.gross_amount, seller.amount), (120, 60))
        on_time = self._invoice(10000, shares=(70, 30, 0))
        self._pay(on_time, 10000, date(2025, 2, 20))
        self.assertFalse(self._lines(on_time, role="referrer").explanation)
        # the statement form shows every figure of the line
        arch = etree.fromstring(
            self.env["asm.statement"].get_view(view_type="form")["arch"]
        )
        shown = set(arch.xpath("//field[@name='line_ids']//field/@name"))
        for fname in (
            "base_amount",
            "rate",
            "share",
            "days_late",
            "deduction_pct",
            "gross_amount",
            "amount",
            "explanation",
        ):
            self.assertIn(fname, shown)
        # and so does the XLSX
        statement = (
            self.env["asm.statement"]
            ._generate_statements(date(2025, 5, 1), date(2025, 5, 31))
            .filtered(lambda s: s.employee_id == self.referrer)
        )
        content, __ = self.env["asm.statement.xlsx"]._render(statement, "detail")
        rows = [list(r) for r in load_workbook(io.BytesIO(content)).active.values]
        header = rows[0]
        row = next(r for r in rows[1:] if r[header.index("Net")] == 140)
        self.assertEqual(row[header.index("Gross")], 280)
        self.assertEqual(row[header.index("Days Late")], 75)
        self.assertEqual(row[header.index("Deduction (%)")], 50)
        self.assertEqual(row[header.index("Reason")], "Paid 75 days late: -50 %")


class TestFirstHourChinese(AsmCase):
    """Items 4, 5, 7: the approval step, shipped data and the demo speak Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # the order of a language install: applications (this addon) first, so a
        # translation shipped here must survive base_tier_validation's files
        cls.env["ir.module.module"]._load_module_terms(
            ["all_staff_marketing", "base_tier_validation"], ["zh_CN"]
        )
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def test_4_review_banner_buttons_status(self):
        arch = self.zh["asm.statement"].get_view(view_type="form")["arch"]
        arch = etree.tostring(etree.fromstring(arch), encoding="unicode")
        for text in (
            "此单据需要审批",
            'string="批准"',
            'string="驳回"',
            'string="提交审批"',
            'string="重新审批"',
        ):
            self.assertIn(text, arch)
        self.assertNotIn("This Record needs to be", arch)
        status = self.zh["asm.statement"].fields_get(["validation_status"])
        self.assertEqual(
            dict(status["validation_status"]["selection"]),
            {
                "no": "无需审批",
                "waiting": "等待中",
                "pending": "待审批",
                "rejected": "已驳回",
                "validated": "已批准",
            },
        )
        message = self.zh["asm.statement"].new({})._get_to_validate_message()
        self.assertIn("此提成结算单需要审批。", message)
        web = code_translations.get_web_translations("all_staff_marketing", "zh_CN")
        self.assertIn({"id": "Todo by", "string": "待审批人"}, web["messages"])

    def test_4_tier_configuration_columns_are_distinct(self):
        action = self.env.ref("all_staff_marketing.tier_definition_action_asm")
        list_view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        view = self.zh["tier.definition"].get_view(list_view.id, "list")
        arch = etree.fromstring(view["arch"])
        names = arch.xpath("//field/@name")
        labels = self.zh["tier.definition"].fields_get(names, ["string"])
        titles = [
            node.get("string") or labels[node.get("name")]["string"]
            for node in arch.xpath("//field")
            if node.get("column_invisible") != "1"
        ]
        self.assertIn("审批方式", titles)
        self.assertEqual(len(titles), len(set(titles)), titles)
        review_types = self.zh["tier.definition"].fields_get(["review_type"])
        self.assertEqual(
            dict(review_types["review_type"]["selection"])["group"],
            "指定组中的任一用户",
        )

    def test_5_shipped_descriptions_translate(self):
        grade_c = self.zh.ref("all_staff_marketing.asm_lead_grade_c")
        self.assertTrue(grade_c._fields["description"].translate)
        self.assertEqual(
            grade_c.description,
            "已沟通业务方向、添加关键人、完成移交，信息已核实并录入CRM。",
        )
        school = self.zh.ref("all_staff_marketing.asm_point_event_type_school")
        self.assertEqual(school.description, "与学校签订实习协议。")
        self.assertEqual(
            grade_c.with_context(lang="en_US").description,
            "Business direction discussed, key person added, handed over, information "
            "verified and uploaded to the CRM.",
        )

    def test_7_wording_and_demo(self):
        tier = self.zh.ref("all_staff_marketing.tier_definition_statement_first")
        self.assertEqual(tier.name, "结算单审批：一级审批")
        po = polib.pofile(PO_PATH)
        self.assertFalse([e.msgstr for e in po if "结算单审核" in e.msgstr])
        # demo names have a Chinese translation (tests never load demo data)
        demo = {
            occurrence: entry.msgstr
            for entry in po
            for occurrence, __ in entry.occurrences
        }
        for occurrence in (
            "model:asm.commission.multiplier,name:"
            "all_staff_marketing.asm_commission_multiplier_staff_demo",
            "model:asm.event.reward,name:all_staff_marketing.asm_event_reward_bid_lost_demo",
            "model:asm.commission.rule,name:"
            "all_staff_marketing.asm_commission_rule_contract_size_demo",
        ):
            self.assertTrue(demo.get(occurrence), occurrence)
        # the demo opportunities have a real salesperson
        tree = etree.parse(os.path.join(ADDON, "demo", "asm_referral_demo.xml"))
        for lead in tree.xpath("//record[@model='crm.lead']"):
            (user,) = lead.xpath("field[@name='user_id']")
            expected = (
                None
                if lead.get("id") == "asm_referral_new_demo"
                else "asm_user_salesperson_demo"
            )
            self.assertEqual(user.get("ref"), expected, lead.get("id"))
