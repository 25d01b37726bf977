# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

#: The four ranked figures (DOMAIN §10): code, label.
PERFORMANCE_METRICS = [
    ("points", "Points"),
    ("new_customers", "New Customers"),
    ("collected", "Collected Amount"),
    ("commission", "Commission Earned"),
]


class AsmPerformance(models.Model):
    """One fact per row for leaderboards, goals and analysis (read-only SQL view).

    - points: a points ledger entry (its points);
    - new_customers: a customer the employee owns in a company (1, on the owner date);
    - collected: a commission line's collected amount credited to the employee
      (collected x share, as for the monthly quota; refunds and reversals negative);
    - commission: a payable commission line's net amount (on-hold lines are not
      earned yet, void lines earn nothing).
    """

    _name = "asm.performance"
    _description = "Performance Figure"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "metric"

    metric = fields.Selection(PERFORMANCE_METRICS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="User", readonly=True, help="The employee's user."
    )
    department_id = fields.Many2one("hr.department", readonly=True)
    date = fields.Date(readonly=True)
    value = fields.Float(readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        return """
            SELECT f.id, f.metric, f.company_id, f.employee_id,
                   emp.user_id, emp.department_id, f.date, f.value
              FROM (
                    SELECT pl.id * 4 AS id, 'points' AS metric, pl.company_id,
                           pl.employee_id, pl.date, pl.points::float AS value
                      FROM asm_point_line pl
                 UNION ALL
                    SELECT o.id * 4 + 1, 'new_customers', o.company_id,
                           o.referrer_id, o.date, 1.0
                      FROM asm_customer_owner o
                 UNION ALL
                    SELECT cl.id * 4 + 2, 'commission', cl.company_id,
                           cl.employee_id, cl.date, cl.amount::float
                      FROM asm_commission_line cl
                     WHERE cl.state = 'payable'
                 UNION ALL
                    SELECT cl.id * 4 + 3, 'collected', cl.company_id,
                           cl.employee_id, cl.date, cl.credited_amount::float
                      FROM asm_commission_line cl
                     WHERE COALESCE(cl.credited_amount, 0) != 0
                   ) f
              JOIN hr_employee emp ON emp.id = f.employee_id
        """
