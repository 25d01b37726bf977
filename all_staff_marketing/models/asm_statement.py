# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.date_utils import end_of, start_of

FROZEN_STATES = ("approved", "paid")
GROUP_OFFICER = "all_staff_marketing.group_officer"
GROUP_MANAGER = "all_staff_marketing.group_manager"
GROUP_FINANCE = "all_staff_marketing.group_finance"


class AsmStatement(models.Model):
    """A person's reward statement for a period: draft, confirmed, approved, paid."""

    _name = "asm.statement"
    _description = "Commission Statement"
    _inherit = ["mail.thread", "mail.activity.mixin", "asm.guard.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True
    # Allow-list (asm.guard.mixin): a statement is created by the statement
    # generation and changed by its buttons only; a user writes nothing on it.
    _asm_create_allow = {}
    _asm_write_allow = {}
    _asm_system_fields = (
        "name",
        "company_id",
        "employee_id",
        "date_from",
        "date_to",
        "state",
        "line_ids",
    )

    name = fields.Char(required=True, default="/", copy=False, readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, tracking=True, check_company=True
    )
    department_id = fields.Many2one(
        "hr.department", related="employee_id.department_id", store=True
    )
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, index=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("approved", "Approved"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    line_ids = fields.One2many("asm.commission.line", "statement_id", string="Lines")
    line_count = fields.Integer(compute="_compute_amount_total", store=True)
    amount_total = fields.Monetary(
        compute="_compute_amount_total",
        store=True,
        currency_field="currency_id",
        tracking=True,
    )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        # one aggregate query for saved statements (thousands of lines each), the
        # cache for new ones
        saved = self.filtered("id")
        totals = {
            statement: (amount, count)
            for statement, amount, count in self.env["asm.commission.line"]._read_group(
                [("statement_id", "in", saved.ids)],
                ["statement_id"],
                ["amount:sum", "__count"],
            )
        }
        for statement in saved:
            statement.amount_total, statement.line_count = totals.get(statement, (0, 0))
        for statement in self - saved:
            statement.amount_total = sum(statement.line_ids.mapped("amount"))
            statement.line_count = len(statement.line_ids)

    # ------------------------------------------------------------------
    # Workflow: every step checks the caller's group, the record rules and the
    # state, then writes as the system (``_write_workflow``). A direct write of a
    # workflow field by anyone but the superuser is refused (``write``).
    # ------------------------------------------------------------------
    def action_confirm(self):
        self._check_workflow_right(GROUP_OFFICER)
        self._check_state("draft")
        self._write_workflow({"state": "confirmed"})

    def action_approve(self):
        """Approve: the step run by the last tier validation (as the system).

        Called by a user, only a manager may approve, and only a statement that
        no approval tier applies to (no review requested or applicable).
        """
        self._check_state("confirmed")
        if not self.env.su:
            self._check_workflow_right(GROUP_MANAGER)
            under_review = self.filtered(lambda s: s.review_ids or s.need_validation)
            if under_review:
                raise UserError(
                    self.env._(
                        "Statement %(name)s is approved by its reviewers, level by "
                        "level (Validate button), not directly.",
                        name=under_review[0].display_name,
                    )
                )
            self._check_reviewer_independent()
        self._write_workflow({"state": "approved"})

    def action_mark_paid(self):
        """Finance marks an approved statement paid outside payroll."""
        self._check_workflow_right(GROUP_FINANCE)
        self._check_state("approved")
        self._write_workflow({"state": "paid"})

    def action_undo_payment(self):
        """Finance undoes a payment recorded by mistake; logged in the chatter."""
        self._check_workflow_right(GROUP_FINANCE)
        self._check_state("paid")
        self._check_undo_payment()
        self._write_workflow({"state": "approved"})
        for statement in self:
            statement.sudo().message_post(
                body=self.env._(
                    "Payment undone by %(user)s: the statement is approved and "
                    "unpaid again.",
                    user=self.env.user.name,
                )
            )

    def _check_undo_payment(self):
        """Hook: refuse undoing payments recorded elsewhere (e.g. a payslip)."""

    def action_cancel(self):
        self._check_workflow_right(GROUP_OFFICER)
        self._check_state("draft", "confirmed")
        self._write_workflow({"state": "cancel"})
        # the lines go back to the pool and land in the next statement
        self.sudo().line_ids.write({"statement_id": False})

    def action_draft(self):
        self._check_workflow_right(GROUP_OFFICER)
        self._check_state("confirmed", "cancel")
        self._write_workflow({"state": "draft"})

    def _check_workflow_right(self, group):
        """Refuse a workflow step to users outside ``group`` or the record rules."""
        if self.env.su:
            return
        if not self.env.user.has_group(group):
            group_name = self.env.ref(group).sudo().full_name
            raise AccessError(
                self.env._(
                    "Only users of the group %(group)s may do this on commission "
                    "statements.",
                    group=group_name,
                )
            )
        self.check_access("write")
        mine = self._asm_filter_own()
        if mine:
            raise UserError(
                self.env._(
                    "Statement %(name)s is your own: another officer, a manager or "
                    "finance acts on it.",
                    name=mine[0].display_name,
                )
            )

    def _write_workflow(self, vals):
        """Write workflow fields; call only after the rights were checked."""
        return self._asm_system_write(vals)

    # ------------------------------------------------------------------
    # Segregation of duties
    # ------------------------------------------------------------------
    def _get_review_conflict_users(self):
        """Users who may not review this statement: its employee and the
        beneficiaries of its lines."""
        self.ensure_one()
        statement = self.sudo()
        return (
            super()._get_review_conflict_users()
            | statement.employee_id.user_id
            | statement.line_ids.employee_id.user_id
        )

    def _check_state(self, *states):
        wrong = self.filtered(lambda s: s.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Statement %(name)s is %(state)s; this action needs it to be "
                    "%(wanted)s.",
                    name=wrong[0].display_name,
                    state=labels[wrong[0].state],
                    wanted=" / ".join(labels[s] for s in states),
                )
            )

    # ------------------------------------------------------------------
    # Commission engine: generation and freezing
    # ------------------------------------------------------------------
    def init(self):
        # one live statement per employee, company and period, even for two users
        # generating at once
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS asm_statement_period_uniq
                ON asm_statement (employee_id, company_id, date_from, date_to)
             WHERE state != 'cancel'
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Commission statements are created by the statement generation "
                    "(Generate Statements), not by hand."
                )
            )
        for vals in vals_list:
            if vals.get("name", "/") == "/" and vals.get("employee_id"):
                employee = self.env["hr.employee"].browse(vals["employee_id"])
                vals["name"] = self._get_statement_name(
                    employee, fields.Date.to_date(vals.get("date_to"))
                )
        return super().create(vals_list)

    @api.model
    def _get_statement_name(self, employee, date_to):
        """Name of a new statement, e.g. "2025-03 Jane Doe"."""
        period = date_to.strftime("%Y-%m") if date_to else "/"
        return f"{period} {employee.name}"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        frozen = self.filtered(lambda s: s.state in FROZEN_STATES)
        if frozen:
            raise UserError(
                self.env._(
                    "Statement %(name)s is approved and cannot be deleted. "
                    "Corrections go to the next statement.",
                    name=frozen[0].display_name,
                )
            )

    @api.model
    def _prepare_statement_vals(self, employee, company, date_from, date_to):
        """Values of a new statement; override to add fields."""
        return {
            "name": self._get_statement_name(employee, date_to),
            "employee_id": employee.id,
            "company_id": company.id,
            "date_from": date_from,
            "date_to": date_to,
        }

    @api.model
    def _generate_statements(self, date_from, date_to, companies=None):
        """Statements of the period for every employee with payable lines; batched.

        Each statement collects the employee's payable lines dated up to ``date_to``
        that are in no statement yet (so anything arriving after an approval lands in
        the next statement). An existing draft statement of the same period is reused.
        Returns the statements that received lines. Dates may be strings (RPC, data).
        """
        date_from, date_to = (
            fields.Date.to_date(date_from),
            fields.Date.to_date(date_to),
        )
        companies = companies or self.env.companies
        if not self.env.su:
            if not self.env.user.has_group(GROUP_MANAGER):
                raise AccessError(
                    self.env._("Only commission managers can generate the statements.")
                )
            if companies - self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You can only generate the statements of your companies."
                    )
                )
        # system step from here: statements are created by the system only
        caller, self = self, self.sudo()
        line_model = self.env["asm.commission.line"]
        groups = line_model._read_group(
            [
                ("company_id", "in", companies.ids),
                ("state", "=", "payable"),
                ("statement_id", "=", False),
                ("date", "<=", date_to),
            ],
            ["employee_id", "company_id"],
        )
        if not groups:
            return self.browse()
        existing = self.search(
            [
                ("company_id", "in", companies.ids),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
                ("state", "!=", "cancel"),
            ]
        )
        by_key = {(s.employee_id.id, s.company_id.id): s for s in existing}
        to_create = [
            self._prepare_statement_vals(employee, company, date_from, date_to)
            for employee, company in groups
            if (employee.id, company.id) not in by_key
        ]
        created = self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        ).create(to_create)
        by_key.update({(s.employee_id.id, s.company_id.id): s for s in created})
        statements = self.browse(
            [by_key[employee.id, company.id].id for employee, company in groups]
        ).filtered(lambda s: s.state == "draft")
        if not statements:
            return caller.browse(statements.ids)
        # two linear steps whatever the table statistics: the lines to state, then
        # an update by primary key
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, employee_id, company_id
                  FROM asm_commission_line
                 WHERE company_id = ANY(%(companies)s)
                   AND statement_id IS NULL
                   AND state = 'payable'
                   AND date <= %(date_to)s
                """,
                companies=companies.ids,
                date_to=date_to,
            )
        )
        target = {(s.employee_id.id, s.company_id.id): s.id for s in statements}
        line_ids, statement_ids = [], []
        for line_id, employee_id, company_id in self.env.cr.fetchall():
            statement_id = target.get((employee_id, company_id))
            if statement_id:
                line_ids.append(line_id)
                statement_ids.append(statement_id)
        self.env.cr.execute(
            SQL(
                """
                UPDATE asm_commission_line l
                   SET statement_id = v.statement_id,
                       write_uid = %(uid)s,
                       write_date = now() AT TIME ZONE 'UTC'
                  FROM unnest(%(line_ids)s::int[], %(statement_ids)s::int[])
                       AS v(id, statement_id)
                 WHERE l.id = v.id
                   AND l.statement_id IS NULL
                """,
                uid=self.env.uid,
                line_ids=line_ids,
                statement_ids=statement_ids,
            )
        )
        line_model.invalidate_model(["statement_id", "write_uid", "write_date"])
        statements.invalidate_recordset(["line_ids"])
        statements.modified(["line_ids"])
        statements.flush_recordset()
        return caller.browse(statements.ids)

    @api.model
    def _cron_generate_statements(self):
        """Monthly: statements of the previous month for every company."""
        last_month = fields.Date.context_today(self) - relativedelta(months=1)
        self._generate_statements(
            start_of(last_month, "month"),
            end_of(last_month, "month"),
            self.env["res.company"].search([]),
        )

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_commission_line_action"
        )
        action["domain"] = [("statement_id", "=", self.id)]
        action["context"] = {}
        return action
