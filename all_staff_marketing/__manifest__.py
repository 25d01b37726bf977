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
        "data/asm_statement_tier_data.xml",
        "report/asm_statement_xlsx_reports.xml",
        "wizards/asm_statement_export_wizard_views.xml",
        "views/asm_statement_tier_views.xml",
        "views/menus.xml",
    ],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "demo": [],
    "application": True,
    "installable": True,
}
