# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "All-Staff Marketing",
    "summary": "Every employee refers customers; attribution, grades, points and "
    "commissions paid on money received",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "all_staff_marketing developers",
    "license": "AGPL-3",
    "depends": [
        "crm",
        "sale_management",
        "sale_crm",
        "hr",
        "account",
        "base_tier_validation",
    ],
    "data": [
        "security/all_staff_marketing_security.xml",
        "security/ir.model.access.csv",
        "views/asm_statement_views.xml",
        "views/res_config_settings_views.xml",
        # --- commission engine (branch comm) ---
        "data/asm_commission_data.xml",
        "data/asm_commission_cron.xml",
        "views/asm_commission_rule_views.xml",
        "views/asm_commission_multiplier_views.xml",
        "views/asm_late_bracket_views.xml",
        "views/asm_event_reward_views.xml",
        "views/asm_award_views.xml",
        "views/asm_commission_line_views.xml",
        "views/asm_statement_commission_views.xml",
        "views/hr_department_quota_views.xml",
        "views/account_move_commission_views.xml",
        "views/sale_order_commission_views.xml",
        "wizards/asm_statement_generate_views.xml",
        # --- end commission engine ---
        "views/menus.xml",
    ],
    "demo": [
        "demo/asm_commission_demo.xml",
    ],
    "application": True,
    "installable": True,
}
