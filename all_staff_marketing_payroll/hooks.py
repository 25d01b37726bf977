# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Sum commissions into the Allowance category when the database has one.

    OCA payroll's default Gross rule adds ``categories.BASIC + categories.ALW``;
    with the commission category under ALW, commissions reach gross pay. Other
    structures: set the category's parent (or the Gross formula) by hand.
    """
    category = env.ref(
        "all_staff_marketing_payroll.hr_salary_rule_category_asm_commission"
    )
    allowance = env["hr.salary.rule.category"].search([("code", "=", "ALW")])
    if len(allowance) == 1 and not category.parent_id:
        category.parent_id = allowance
