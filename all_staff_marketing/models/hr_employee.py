# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

#: Levels that set the entry fee of a PK competition (DOMAIN §8).
PK_LEVELS = [
    ("staff", "Staff"),
    ("supervisor", "Supervisor"),
    ("manager", "Manager"),
    ("director", "Director"),
]


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    # hr.employee fields missing from hr.employee.public need groups (see hr)
    asm_referral_count = fields.Integer(
        string="Referrals",
        compute="_compute_asm_referral_stats",
        groups="hr.group_hr_user",
    )
    asm_points_balance = fields.Integer(
        string="Points",
        compute="_compute_asm_referral_stats",
        groups="hr.group_hr_user",
        help="Sum of the employee's points ledger.",
    )
    asm_pk_level = fields.Selection(
        PK_LEVELS,
        string="PK Level",
        default="staff",
        groups="hr.group_hr_user",
        help="Level of the employee in team competitions (PK): it sets the entry "
        "fee the employee pays, as configured on each competition.",
    )

    def _compute_asm_referral_stats(self):
        if not self.env.user.has_group("all_staff_marketing.group_officer"):
            # the smart buttons are for officers; others may not read referrals
            self.asm_referral_count = self.asm_points_balance = 0
            return
        leads = dict(
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                [("referrer_id", "in", self.ids)], ["referrer_id"], ["__count"]
            )
        )
        points = dict(
            self.env["asm.point.line"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["points:sum"]
            )
        )
        for employee in self:
            employee.asm_referral_count = leads.get(employee, 0)
            employee.asm_points_balance = points.get(employee, 0)

    def action_asm_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_referral_action_all"
        )
        action["domain"] = [("referrer_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action

    def action_asm_view_points(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_point_line_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action

    # ------------------------------------------------------------------ user link

    def _asm_with_history(self):
        """Employees that have commissions, statements or points (system read)."""
        employees = self.sudo()
        found = self.browse()
        for model in ("asm.commission.line", "asm.statement", "asm.point.line"):
            groups = (
                self.env[model]
                .sudo()
                ._read_group(
                    [("employee_id", "in", (employees - found).ids)], ["employee_id"]
                )
            )
            found |= self.browse([employee.id for (employee,) in groups])
        return found

    def write(self, vals):
        """Linking an employee with commission history to another user opens that
        history to the new user (record rules follow the employee's user): only an
        All-Staff Marketing manager may, and it is logged."""
        if "user_id" in vals and not self.env.su:
            moved = self.filtered(
                lambda employee: employee.user_id.id != vals["user_id"]
            )
            history = moved._asm_with_history()
            if history:
                if not self.env.user.has_group("all_staff_marketing.group_manager"):
                    raise UserError(
                        self.env._(
                            "%(employee)s has commissions, statements or points: "
                            "linking it to another user would show them to that "
                            "user. Ask an All-Staff Marketing manager to change the "
                            "related user.",
                            employee=history[0].name,
                        )
                    )
                old_users = {employee: employee.user_id for employee in history}
                res = super().write(vals)
                for employee in history:
                    employee.message_post(
                        body=self.env._(
                            "Related user changed by %(user)s from %(old)s to %(new)s; "
                            "the employee's commission history follows the new user.",
                            user=self.env.user.name,
                            old=old_users[employee].name or "-",
                            new=employee.user_id.name or "-",
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
                return res
        return super().write(vals)
