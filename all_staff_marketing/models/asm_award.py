# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

GROUP_OFFICER = "all_staff_marketing.group_officer"
GROUP_MANAGER = "all_staff_marketing.group_manager"
#: What an officer fills in on a draft award.
AWARD_INPUT_FIELDS = (
    "name",
    "company_id",
    "event_reward_id",
    "employee_id",
    "partner_id",
    "lead_id",
    "date",
    "amount",
)


class AsmAward(models.Model):
    """A one-off reward granted by an officer within a configured range.

    E.g. entering a customer's supplier panel: 5,000 to 20,000 (DOMAIN §5). Confirming
    the award creates its commission line; the line then follows the usual flow
    (quota, statement, approval). An award above the company's approval threshold
    waits for the approval tiers first; nobody awards themselves.
    """

    _name = "asm.award"
    _description = "Manual Award"
    _inherit = ["mail.thread", "asm.approval.mixin", "asm.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _state_to = ["done"]
    _approval_frozen_states = ("done",)
    # Allow-list (asm.guard.mixin): officers fill in a draft award; the state and
    # the lines change through the buttons (Award, Validate, Cancel) only.
    _asm_create_allow = {GROUP_OFFICER: AWARD_INPUT_FIELDS}
    _asm_write_allow = {"draft": {GROUP_OFFICER: AWARD_INPUT_FIELDS}}
    _asm_system_fields = ("state", "line_ids")

    name = fields.Char(string="Reason", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    event_reward_id = fields.Many2one(
        "asm.event.reward",
        string="Reward",
        required=True,
        check_company=True,
        domain="[('event_type', '=', 'manual')]",
    )
    employee_id = fields.Many2one(
        "hr.employee", string="Employee", required=True, check_company=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True)
    lead_id = fields.Many2one("crm.lead", string="Lead", check_company=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(currency_field="currency_id", required=True, tracking=True)
    amount_min = fields.Monetary(related="event_reward_id.amount_min")
    amount_max = fields.Monetary(related="event_reward_id.amount_max")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "To Approve"),
            ("done", "Awarded"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="draft",
        copy=False,
        tracking=True,
    )
    line_ids = fields.One2many("asm.commission.line", "award_id", string="Lines")
    needs_approval = fields.Boolean(
        compute="_compute_needs_approval",
        store=True,
        help="Above the company's award approval threshold: the approval tiers "
        "review the award before it pays.",
    )

    @api.depends("amount", "company_id.asm_award_approval_threshold")
    def _compute_needs_approval(self):
        for award in self:
            threshold = award.company_id.asm_award_approval_threshold
            award.needs_approval = (
                award.currency_id.compare_amounts(award.amount, threshold) > 0
            )

    @api.constrains("amount", "event_reward_id")
    def _check_amount(self):
        for award in self:
            reward = award.event_reward_id
            if reward.event_type != "manual":
                raise ValidationError(
                    self.env._(
                        "Award %(name)s: choose a Reward of type 'Manual award by an "
                        "officer'.",
                        name=award.name,
                    )
                )
            if not reward.amount_min <= award.amount <= reward.amount_max:
                raise ValidationError(
                    self.env._(
                        "Award %(name)s: the Amount must be between %(min)s and "
                        "%(max)s for %(reward)s.",
                        name=award.name,
                        min=format_amount(
                            self.env, reward.amount_min, award.currency_id
                        ),
                        max=format_amount(
                            self.env, reward.amount_max, award.currency_id
                        ),
                        reward=reward.name,
                    )
                )

    def action_confirm(self):
        """Grant the award; above the approval threshold, submit it for approval."""
        self._check_award_right(GROUP_OFFICER)
        if self.filtered(lambda award: award.state != "draft"):
            raise UserError(self.env._("Only draft awards can be confirmed."))
        self._check_not_self_award()
        to_approve = self.filtered("needs_approval")
        if to_approve:
            # the approval mixin requests the reviews of the tiers that apply
            to_approve.sudo().write({"state": "confirmed"})
        (self - to_approve)._grant()

    def action_approve(self):
        """Approve: the step run by the last tier validation (as the system).

        Called by a user, only a manager may approve, and only an award that no
        approval tier applies to.
        """
        if self.filtered(lambda award: award.state != "confirmed"):
            raise UserError(self.env._("Only awards to approve can be approved."))
        if not self.env.su:
            self._check_award_right(GROUP_MANAGER)
            under_review = self.filtered(lambda a: a.review_ids or a.need_validation)
            if under_review:
                raise UserError(
                    self.env._(
                        "Award %(name)s is approved by its reviewers (Validate "
                        "button), not directly.",
                        name=under_review[0].display_name,
                    )
                )
            self._check_reviewer_independent()
            self._check_not_self_award()
        self._grant()

    def action_draft(self):
        """Back to draft (withdrawn, or rejected by a reviewer)."""
        self._check_award_right(GROUP_OFFICER)
        if self.filtered(lambda award: award.state != "confirmed"):
            raise UserError(
                self.env._("Only awards waiting for approval go back to draft.")
            )
        self.sudo().write({"state": "draft"})

    def _grant(self):
        """Create the commission lines of the awards; system step, rights checked."""
        # system step: officers grant awards but neither read employees' HR data nor
        # write commission lines
        line_model = self.env["asm.commission.line"].sudo()
        vals_list = []
        for award in self.sudo():
            state, reason = line_model._get_initial_state(
                award.employee_id, award.amount
            )
            vals_list.append(award._prepare_line_vals(state, reason))
        lines = line_model._insert_lines(vals_list)
        line_model._update_quota_states(lines)
        self.sudo().write({"state": "done"})

    def _check_award_right(self, group):
        if self.env.su:
            return
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "Only users of the group %(group)s may do this on awards.",
                    group=self.env.ref(group).sudo().full_name,
                )
            )
        self.check_access("write")

    def _check_not_self_award(self):
        mine = self._asm_filter_own()
        if mine:
            raise UserError(
                self.env._(
                    "You cannot grant award %(name)s to yourself: another officer "
                    "or a manager must grant it.",
                    name=mine[0].display_name,
                )
            )

    def _get_review_conflict_users(self):
        """The beneficiary and whoever submitted the award do not review it."""
        self.ensure_one()
        return super()._get_review_conflict_users() | self.sudo().employee_id.user_id

    def action_cancel(self):
        self._check_award_right(GROUP_OFFICER)
        if self.filtered(lambda award: award.state != "draft"):
            raise UserError(
                self.env._(
                    "Only draft awards can be cancelled; correct an awarded one with "
                    "a manual adjustment line in the next statement."
                )
            )
        self.sudo().write({"state": "cancel"})

    @api.model
    def _asm_get_guard_hint(self):
        return self.env._(
            "the status of an award changes only through its buttons (Award, "
            "Validate, Cancel) and an awarded one is corrected by a manual "
            "adjustment line in the next statement"
        )

    @api.model_create_multi
    def create(self, vals_list):
        awards = super().create(vals_list)
        if not self.env.su:
            awards._check_not_self_award()
        return awards

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su and "employee_id" in vals:
            self._check_not_self_award()
        return res

    def _prepare_line_vals(self, state, reason):
        """Values of the commission line of this award."""
        self.ensure_one()
        return self.env["asm.commission.line"]._prepare_flat_line_vals(
            self.employee_id,
            self.amount,
            name=self.env._(
                "%(reward)s: %(reason)s",
                reward=self.event_reward_id.name,
                reason=self.name,
            ),
            kind="award",
            key=f"award/{self.id}",
            company_id=self.company_id.id,
            date=self.date,
            partner_id=self.partner_id.commercial_partner_id.id,
            lead_id=self.lead_id.id,
            event_reward_id=self.event_reward_id.id,
            award_id=self.id,
            state=state,
            reason=reason,
        )
