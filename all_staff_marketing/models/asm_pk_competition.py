# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_datetime, formatLang

from .hr_employee import PK_LEVELS

GROUP_MANAGER = "all_staff_marketing.group_manager"
PK_STATES = [
    ("draft", "Draft"),
    ("open", "Open"),
    ("closed", "Closed (in audit)"),
    ("audited", "Audited"),
    ("settled", "Settled"),
    ("cancelled", "Cancelled"),
]
#: States in which participants of the company see the competition.
PK_VISIBLE_STATES = ("open", "closed", "audited", "settled")
#: Fields fixed once the competition is open (entry fees are charged from them).
PK_LOCKED_FIELDS = {
    "company_id",
    "date_start",
    "date_end",
    "closing_hour",
    "tz",
    "metric",
    "fee_staff",
    "fee_supervisor",
    "fee_manager",
    "fee_director",
    "sponsorship",
    "split_mode",
    "team_ids",
    "member_ids",
}
#: What a manager sets on a draft competition: its name and PK_LOCKED_FIELDS but
#: the participants (they are the teams' members).
PK_INPUT_FIELDS = ("name", *sorted(PK_LOCKED_FIELDS - {"member_ids"}))
#: Default entry fee per level (DOMAIN §8); each competition can change them.
PK_DEFAULT_FEES = {
    "staff": 100.0,
    "supervisor": 200.0,
    "manager": 300.0,
    "director": 500.0,
}


def split_amount(total, weights, rounding=0.01):
    """Split ``total`` in parts proportional to ``weights``; the parts sum to ``total``.

    Amounts are rounded to ``rounding``; what rounding leaves over goes, one unit at a
    time, to the parts with the largest remainders (the first ones on equal
    remainders). Weights that are all zero (or negative) split equally.
    """
    if not weights:
        return []
    weights = [max(weight, 0.0) for weight in weights]
    if not sum(weights):
        weights = [1.0] * len(weights)
    units = round(total / rounding)
    exact = [units * weight / sum(weights) for weight in weights]
    parts = [int(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[: units - sum(parts)]:
        parts[i] += 1
    return [round(part * rounding, 10) for part in parts]


class AsmPkCompetition(models.Model):
    """A team competition (团队PK赛): teams pay entry fees, the first takes the pot.

    Draft (teams and fees are set) → Open (entry fees charged as negative commission
    lines) → Closed (the result is audited through the approval tiers) → Audited →
    Settled (the pot paid as commission lines to the winners), or Cancelled (entry
    fees refunded). Scores are computed from the ledgers; what is recorded after the
    closing hour of the closing day does not count.
    """

    _name = "asm.pk.competition"
    _description = "PK Team Competition"
    _inherit = ["mail.thread", "asm.approval.mixin", "asm.guard.mixin"]
    _order = "date_end desc, id desc"
    _check_company_auto = True
    # Allow-list (asm.guard.mixin): a manager sets up a draft competition; once
    # the entry fees are charged only its name changes, until it is audited. The
    # state changes through the buttons (Open, Close, Validate, Settle, Cancel).
    _asm_create_allow = {GROUP_MANAGER: PK_INPUT_FIELDS}
    _asm_write_allow = {
        "draft": {GROUP_MANAGER: PK_INPUT_FIELDS},
        "open": {GROUP_MANAGER: ("name",)},
        "closed": {GROUP_MANAGER: ("name",)},
    }
    # member_ids: the teams' members, composed on the teams
    _asm_system_fields = ("state", "member_ids")
    _state_from = ["closed"]
    _state_to = ["audited"]
    # a rejected audit reopens the competition
    _cancel_state = "open"
    _approval_frozen_states = ("audited", "settled", "cancelled")

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="Closing Day", required=True, tracking=True)
    closing_hour = fields.Float(
        default=17.0,
        help="Time of the closing day at which the competition ends, in the "
        "competition's timezone: anything recorded later does not count.",
    )
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self._default_tz(),
        help="Timezone of the start and closing hour (by default the company's, "
        "else yours).",
    )
    cutoff = fields.Datetime(
        string="Ends At",
        compute="_compute_cutoff",
        help="Moment the competition ends: the closing hour of the closing day.",
    )
    metric = fields.Selection(
        [
            ("points", "Points"),
            ("customers", "New customers"),
            ("collected", "Collected amount"),
        ],
        required=True,
        default="points",
        help="What a team scores: the points of its members' points ledger, the "
        "customers they brought in (new customer owners), or the collected amount "
        "credited to them by their commission lines. Only what is dated in the "
        "period and recorded before the end counts.",
    )
    fee_staff = fields.Monetary(
        string="Fee: Staff",
        currency_field="currency_id",
        default=PK_DEFAULT_FEES["staff"],
    )
    fee_supervisor = fields.Monetary(
        string="Fee: Supervisor",
        currency_field="currency_id",
        default=PK_DEFAULT_FEES["supervisor"],
    )
    fee_manager = fields.Monetary(
        string="Fee: Manager",
        currency_field="currency_id",
        default=PK_DEFAULT_FEES["manager"],
    )
    fee_director = fields.Monetary(
        string="Fee: Director",
        currency_field="currency_id",
        default=PK_DEFAULT_FEES["director"],
    )
    sponsorship = fields.Monetary(
        string="Company Sponsorship",
        currency_field="currency_id",
        tracking=True,
        help="Amount the company adds to the entry fees in the pot.",
    )
    split_mode = fields.Selection(
        [("equal", "Equally"), ("score", "In proportion to the score")],
        string="Prize Split",
        required=True,
        default="equal",
        help="How the winning team's prize is split among its members. When several "
        "teams tie for first place, the pot is first split equally among them.",
    )
    state = fields.Selection(
        PK_STATES,
        required=True,
        default="draft",
        copy=False,
        tracking=True,
        index=True,
    )
    team_ids = fields.One2many("asm.pk.team", "competition_id", string="Teams")
    member_ids = fields.One2many(
        "asm.pk.member", "competition_id", string="Participants"
    )
    fee_total = fields.Monetary(
        string="Entry Fees",
        currency_field="currency_id",
        compute="_compute_pot",
        store=True,
    )
    pot_amount = fields.Monetary(
        string="Pot",
        currency_field="currency_id",
        compute="_compute_pot",
        store=True,
        help="Entry fees plus the company sponsorship: the first team takes it all. "
        "Teams tied for first place split it equally.",
    )
    ranking_html = fields.Html(
        string="Ranking", compute="_compute_ranking_html", sanitize=False
    )
    winner_team_ids = fields.Many2many(
        "asm.pk.team",
        string="Leading Teams",
        compute="_compute_ranking",
        help="Teams ranked first (several on a tie).",
    )
    my_team_id = fields.Many2one(
        "asm.pk.team", string="My Team", compute="_compute_my_team"
    )
    my_team_rank = fields.Integer(string="My Team's Rank", compute="_compute_my_team")
    my_team_score = fields.Float(string="My Team's Score", compute="_compute_my_team")
    line_count = fields.Integer(
        string="Commission Lines", compute="_compute_line_count"
    )

    @api.model
    def _default_tz(self):
        """The company's time zone, the user's, else the main one of the company's
        country (a Chinese company closes at 17:00 Beijing time, not UTC)."""
        company = self.env.company
        country_zones = pytz.country_timezones.get(company.country_id.code or "", [])
        return (
            company.partner_id.tz
            or self.env.user.tz
            or (country_zones[0] if country_zones else "UTC")
        )

    @api.constrains("date_start", "date_end", "closing_hour")
    def _check_dates(self):
        for competition in self:
            if competition.date_end < competition.date_start:
                raise ValidationError(
                    self.env._(
                        "Competition %(name)s: the closing day must be on or after "
                        "the start.",
                        name=competition.name,
                    )
                )
            if not 0 <= competition.closing_hour < 24:
                raise ValidationError(
                    self.env._(
                        "Competition %(name)s: the closing hour must be between "
                        "00:00 and 23:59.",
                        name=competition.name,
                    )
                )

    @api.depends("member_ids.fee", "sponsorship")
    def _compute_pot(self):
        for competition in self:
            competition.fee_total = sum(competition.member_ids.mapped("fee"))
            competition.pot_amount = competition.fee_total + competition.sponsorship

    @api.depends("date_start", "date_end", "closing_hour", "tz")
    def _compute_cutoff(self):
        for competition in self:
            competition.cutoff = competition._get_period_utc()[1]

    def _get_period_utc(self):
        """(start, end) of the competition as naive UTC datetimes, like create_date.

        Start: 00:00 of the start day; end: the closing hour of the closing day, both
        in the competition's timezone. Anything recorded from the end on is late.
        """
        self.ensure_one()
        if not (self.date_start and self.date_end):
            return False, False
        tz = pytz.timezone(self.tz or "UTC")
        hours, minutes = divmod(round((self.closing_hour or 0.0) * 60), 60)
        start = tz.localize(datetime.combine(self.date_start, time.min))
        end = tz.localize(
            datetime.combine(self.date_end, time.min)
            + timedelta(hours=hours, minutes=minutes)
        )
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            end.astimezone(pytz.utc).replace(tzinfo=None),
        )

    @api.depends("team_ids.score")
    def _compute_ranking(self):
        for competition in self:
            competition.winner_team_ids = competition.team_ids.filtered(
                lambda team: team.member_ids and team.rank == 1
            )

    @api.depends("team_ids.score", "team_ids.rank")
    def _compute_ranking_html(self):
        for competition in self:
            teams = competition.team_ids.sorted(lambda t: (t.rank or 0, t.name or ""))
            if not teams:
                competition.ranking_html = False
                continue
            digits = 2 if competition.metric == "collected" else 0
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
                % (
                    team.rank,
                    team.name,
                    formatLang(self.env, team.score, digits=digits),
                )
                for team in teams
            )
            competition.ranking_html = Markup(
                "<table class='table table-sm o_asm_pk_ranking'><thead><tr>"
                "<th>%s</th><th>%s</th><th class='text-end'>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
            ) % (self.env._("Rank"), self.env._("Team"), self.env._("Score"), rows)

    @api.depends("member_ids.user_id", "team_ids.score", "team_ids.rank")
    @api.depends_context("uid")
    def _compute_my_team(self):
        for competition in self:
            team = competition.member_ids.filtered(
                lambda member: member.user_id == self.env.user
            )[:1].team_id
            competition.my_team_id = team
            competition.my_team_rank = team.rank
            competition.my_team_score = team.score

    def _compute_line_count(self):
        saved = self.filtered(lambda c: isinstance(c.id, int))
        domains = [[("key", "=like", f"pk/{c.id}/%")] for c in saved]
        counts = defaultdict(int)
        if domains:
            # keys read 'pk/<competition id>/<kind>/emp<employee id>'
            for line in self.env["asm.commission.line"].search_fetch(
                expression.OR(domains), ["key"]
            ):
                counts[int(line.key.split("/")[1])] += 1
        for competition in self:
            competition.line_count = counts[competition.id]

    # ------------------------------------------------------------------
    # Entry fees and prizes
    # ------------------------------------------------------------------
    def _get_level_fees(self):
        """{level: entry fee} of this competition."""
        self.ensure_one()
        return {level: self[f"fee_{level}"] for level, _label in PK_LEVELS}

    def _get_prizes(self):
        """{member: prize} of the pot split among the members of the first team(s).

        Teams tied for first place split the pot equally; within a team the prize
        is split equally or in proportion to the members' scores (``split_mode``).
        """
        self.ensure_one()
        rounding = self.currency_id.rounding or 0.01
        winners = self.winner_team_ids.sorted("id")
        prizes = {}
        team_amounts = split_amount(self.pot_amount, [1.0] * len(winners), rounding)
        for team, team_amount in zip(winners, team_amounts, strict=True):
            members = team.member_ids.sorted("id")
            if self.split_mode == "score":
                weights = members.mapped("score")
            else:
                weights = [1.0] * len(members)
            amounts = split_amount(team_amount, weights, rounding)
            prizes.update(zip(members, amounts, strict=True))
        return prizes

    def _prepare_pk_line_vals(self, member, kind, amount, name):
        """Values of a commission line of this competition (fee, refund or prize)."""
        self.ensure_one()
        employee = member.employee_id
        return self.env["asm.commission.line"]._prepare_flat_line_vals(
            employee,
            amount,
            name=name,
            kind=kind,
            key=f"pk/{self.id}/{kind}/emp{employee.id}",
            company_id=self.company_id.id,
            date=fields.Date.context_today(self),
            # a fee, refund or prize is due as such: no monthly quota applies
            state="payable",
            reason=False,
        )

    def _create_fee_lines(self):
        vals_list = []
        for competition in self:
            for member in competition.member_ids:
                if competition.currency_id.is_zero(member.fee):
                    continue
                vals_list.append(
                    competition._prepare_pk_line_vals(
                        member,
                        "pk_fee",
                        -member.fee,
                        self.env._(
                            "PK entry fee: %(competition)s",
                            competition=competition.name,
                        ),
                    )
                )
        return self.env["asm.commission.line"]._insert_lines(vals_list)

    def _create_refund_lines(self):
        """Refund every entry fee charged: the person's lines of the competition
        then sum to zero."""
        Line = self.env["asm.commission.line"]
        vals_list = []
        for competition in self:
            members = {
                f"pk/{competition.id}/pk_fee/emp{member.employee_id.id}": member
                for member in competition.member_ids
            }
            fees = Line.search([("key", "in", list(members))])
            for fee in fees:
                vals_list.append(
                    competition._prepare_pk_line_vals(
                        members[fee.key],
                        "pk_refund",
                        -fee.amount,
                        self.env._(
                            "PK entry fee refunded (cancelled): %(competition)s",
                            competition=competition.name,
                        ),
                    )
                )
        return Line._insert_lines(vals_list)

    def _create_prize_lines(self):
        vals_list = []
        for competition in self:
            for member, amount in competition._get_prizes().items():
                if competition.currency_id.is_zero(amount):
                    continue
                vals_list.append(
                    competition._prepare_pk_line_vals(
                        member,
                        "pk_prize",
                        amount,
                        self.env._(
                            "PK prize: %(competition)s (%(team)s)",
                            competition=competition.name,
                            team=member.team_id.name,
                        ),
                    )
                )
        return self.env["asm.commission.line"]._insert_lines(vals_list)

    # ------------------------------------------------------------------
    # Workflow: managers only; each step checks rights and state, then writes as
    # the system (commission lines are system records).
    # ------------------------------------------------------------------
    def action_open(self):
        """Start the competition: charge every participant's entry fee."""
        self._check_pk_right()
        self._check_state("draft")
        for competition in self:
            teams = competition.team_ids
            if len(teams) < 2:
                raise UserError(
                    self.env._(
                        "Competition %(name)s needs at least two teams to open.",
                        name=competition.name,
                    )
                )
            empty = teams.filtered(lambda team: not team.member_ids)
            if empty:
                raise UserError(
                    self.env._(
                        "Team %(team)s has no members: add members or remove it.",
                        team=empty[0].name,
                    )
                )
        self.sudo()._create_fee_lines()
        self._write_workflow({"state": "open"})

    def action_close(self):
        """End the competition after its closing hour: the result goes to audit."""
        self._check_pk_right()
        self._check_state("open")
        now = fields.Datetime.now()
        for competition in self:
            if now < competition.cutoff:
                raise UserError(
                    self.env._(
                        "Competition %(name)s ends at %(cutoff)s: close it after "
                        "that.",
                        name=competition.name,
                        cutoff=format_datetime(
                            self.env, competition.cutoff, tz=competition.tz
                        ),
                    )
                )
        # the approval mixin requests the audit (tier reviews) on this write
        self._write_workflow({"state": "closed"})

    def action_approve(self):
        """Audited: the step run by the last tier validation (as the system).

        Called by a user, only a manager may approve, and only a competition that
        no audit tier applies to.
        """
        self._check_state("closed")
        if not self.env.su:
            self._check_pk_right()
            under_review = self.filtered(lambda c: c.review_ids or c.need_validation)
            if under_review:
                raise UserError(
                    self.env._(
                        "The result of %(name)s is audited by its reviewers "
                        "(Validate button), not directly.",
                        name=under_review[0].display_name,
                    )
                )
            self._check_reviewer_independent()
        self._write_workflow({"state": "audited"})

    def _action_tier_rejected(self, comment):
        """A rejected audit reopens the competition, with the reviewer's comment."""
        body = self.env._(
            "Result rejected by %(user)s: %(comment)s. The competition is open "
            "again; close it to request a new audit.",
            user=self.env.user.name,
            comment=comment or "-",
        )
        self.message_post(body=body)
        self.with_context(asm_keep_rejected_reviews=True)._write_workflow(
            {"state": "open"}
        )

    def action_settle(self):
        """Pay the pot to the first team(s) as commission lines."""
        self._check_pk_right()
        self._check_state("audited")
        self.sudo()._create_prize_lines()
        self._write_workflow({"state": "settled"})

    def action_cancel(self):
        """Cancel the competition: entry fees already charged are refunded."""
        self._check_pk_right()
        self._check_state("draft", "open", "closed", "audited")
        self.sudo()._create_refund_lines()
        self._write_workflow({"state": "cancelled"})

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_commission_line_action"
        )
        action["domain"] = [("key", "=like", f"pk/{self.id}/%")]
        action["context"] = {}
        return action

    def _check_pk_right(self):
        """Refuse a workflow step to users outside the manager group or the rules."""
        if self.env.su:
            return
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(
                self.env._(
                    "Only users of the group %(group)s may run PK competitions.",
                    group=self.env.ref(GROUP_MANAGER).sudo().full_name,
                )
            )
        self.check_access("write")

    def _check_state(self, *states):
        wrong = self.filtered(lambda c: c.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Competition %(name)s is %(state)s; this action needs it to be "
                    "%(wanted)s.",
                    name=wrong[0].display_name,
                    state=labels[wrong[0].state],
                    wanted=" / ".join(labels[s] for s in states),
                )
            )

    def _write_workflow(self, vals):
        """Write the state; call only after the rights were checked."""
        # internal key on the system path: a cancellation under audit is allowed
        return self.sudo().with_context(skip_validation_check=True).write(vals)

    def _get_review_conflict_users(self):
        """Participants do not audit a competition they take part in."""
        self.ensure_one()
        return super()._get_review_conflict_users() | self.sudo().member_ids.user_id

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    @api.model
    def _asm_get_guard_hint(self):
        return self.env._(
            "the status of a PK competition changes only through its buttons (Open, "
            "Close, Validate, Settle, Cancel), and its teams, fees and period are "
            "fixed once the entry fees are charged (cancel it, fees are refunded, "
            "and create a new one)"
        )

    def _check_teams_editable(self):
        """Teams and members change only while the competition is a draft."""
        started = self.filtered(lambda c: c.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "Competition %(name)s has started: its teams and members can no "
                    "longer be changed.",
                    name=started[0].display_name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        started = self.filtered(lambda c: c.state not in ("draft", "cancelled"))
        if started:
            raise UserError(
                self.env._(
                    "Competition %(name)s has started and cannot be deleted; "
                    "cancel it instead.",
                    name=started[0].display_name,
                )
            )
