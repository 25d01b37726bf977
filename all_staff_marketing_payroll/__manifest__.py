# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "All-Staff Marketing - Payroll",
    "summary": "Approved commission statements become payslip inputs (OCA payroll)",
    "version": "18.0.1.0.0",
    "category": "Payroll",
    "author": "all_staff_marketing developers",
    "license": "AGPL-3",
    "depends": ["all_staff_marketing", "payroll"],
    "data": [],
    "auto_install": False,
    "installable": True,
}
