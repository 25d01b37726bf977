"""Commission rules clicked in a real browser (see tests/test_tours.py)."""

import datetime

from odoo.tests import HttpCase, new_test_user

MANAGER = "base.group_user,all_staff_marketing.group_manager"


class TestToursRules(HttpCase):
    # Odoo's MetaCase sets these only under odoo.addons.* (see tests/common.py)
    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}

    def test_manager_adds_a_back_dated_rule_in_its_form(self):
        """Issue #24 item 6: the new rule's sequence tied with the existing one and
        the form did not say that Valid From decides which invoices it pays."""
        Rule = self.env["asm.commission.rule"]
        Rule.search([]).action_archive()
        Rule.create({"name": "Existing 1 %", "rate": 1.0, "sequence": 10})
        manager = new_test_user(
            self.env, login="asm_tour_rule_manager", groups=MANAGER, name="Rule Manager"
        )
        self.start_tour(
            "/odoo/action-all_staff_marketing.asm_commission_rule_action",
            "asm_rule_form_tour",
            login=manager.login,
        )
        rule = Rule.search([("name", "=", "Tour back-dated 2 %")])
        self.assertEqual(
            (rule.sequence, rule.rate, rule.date_from, rule.create_uid),
            (20, 2.0, datetime.date(2025, 1, 1), manager),
        )
