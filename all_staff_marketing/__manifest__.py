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
        # --- attribution, grades, points, owners, tiers (branch attr) ---
        "data/asm_grade_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/product_pricelist_views.xml",
        "views/hr_employee_views.xml",
        "views/asm_lead_grade_views.xml",
        "views/asm_stage_grade_views.xml",
        "views/asm_point_event_type_views.xml",
        "views/asm_point_line_views.xml",
        "views/asm_customer_owner_views.xml",
        "wizards/asm_point_event_wizard_views.xml",
        # ---
        "views/menus.xml",
    ],
    "demo": [
        "demo/asm_referral_demo.xml",
    ],
    "application": True,
    "installable": True,
}
