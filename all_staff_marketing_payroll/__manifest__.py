# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "All-Staff Marketing - Payroll",
    "summary": "Approved commission statements become payslip inputs (OCA payroll)",
    "version": "18.0.1.0.0",
    "category": "Payroll",
    "author": "all_staff_marketing developers",
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["all_staff_marketing", "payroll"],
    "data": [
        "security/all_staff_marketing_payroll_security.xml",
        "security/ir.model.access.csv",
        "data/hr_salary_rule_data.xml",
        "views/asm_statement_views.xml",
        "views/hr_payslip_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "auto_install": False,
    "installable": True,
}
