# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date

from .. import referral_keys
from .asm_attribution_mixin import FROZEN_ATTRIBUTION_FIELDS
from .asm_commission_rule import GRADE_ORDER

# Fields whose change moves the lead's points (grade, lost/restored, referrer).
POINT_TRIGGERS = {"stage_id", "active", "referrer_id", "company_id"}
#: Key of the transaction data (``cr.precommit.data``) holding the ids of the
#: leads being merged: they do not claim against each other.
MERGE_KEY = "all_staff_marketing.merging_lead_ids"
# Fields whose change may pay an event reward (grade reached, lost with a reason).
EVENT_TRIGGERS = POINT_TRIGGERS | {"lost_reason_id"}
# Normalised keys of a lead, by the kind of match they give.
LEAD_KEY_FIELDS = {
    "asm_phone_key": "phone",
    "asm_mobile_key": "phone",
    "asm_email_key": "email",
    "asm_vat_key": "vat",
    "asm_name_key": "name",
}
#: What a participant (neither salesperson nor All-Staff Marketing officer) may send
#: for a referral: the fields of the small referral form. The server sets the rest.
PARTICIPANT_REFERRAL_FIELDS = frozenset(
    {
        "partner_name",
        "contact_name",
        "phone",
        "email_from",
        "referral_handle",
        "description",
        "referral_mode",
    }
)


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "asm.attribution.mixin"]

    # a duplicated lead is not a new referral (follow-ups go through the owner)
    referrer_id = fields.Many2one(copy=False)
    referral_mode = fields.Selection(copy=False)
    service_employee_id = fields.Many2one(copy=False)
    referral_deal_type = fields.Selection(copy=False)
    referrer_share = fields.Float(copy=False)
    salesperson_share = fields.Float(copy=False)
    service_share = fields.Float(copy=False)
    referral_date = fields.Date(
        compute="_compute_referral_date",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        copy=False,
        help="Day the referral was registered; ownership protection counts from it.",
    )
    referral_handle = fields.Char(
        string="WeChat / Other Handle",
        help="WeChat ID or another messaging handle of the contact person.",
    )
    referral_vat = fields.Char(
        string="Customer Tax ID",
        compute="_compute_referral_vat",
        store=True,
        readonly=False,
        precompute=True,
    )
    referral_override_reason = fields.Char(
        string="Protection Override Reason",
        tracking=True,
        copy=False,
        help="Set by an All-Staff Marketing manager to register this referral even "
        "though the customer is already claimed in this company.",
    )
    asm_commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Commercial Customer",
        related="partner_id.commercial_partner_id",
        store=True,
        index="btree_not_null",
    )
    asm_phone_key = fields.Char(
        compute="_compute_asm_keys", store=True, index="btree_not_null"
    )
    asm_mobile_key = fields.Char(
        compute="_compute_asm_keys", store=True, index="btree_not_null"
    )
    asm_email_key = fields.Char(
        compute="_compute_asm_keys", store=True, index="btree_not_null"
    )
    asm_vat_key = fields.Char(
        compute="_compute_asm_keys", store=True, index="btree_not_null"
    )
    asm_name_key = fields.Char(
        compute="_compute_asm_keys", store=True, index="btree_not_null"
    )
    asm_grade_id = fields.Many2one(
        "asm.lead.grade",
        string="Grade",
        compute="_compute_asm_grade_id",
        store=True,
        index="btree_not_null",
        tracking=True,
        help="Lead grade given by the CRM stage (company mapping).",
    )
    asm_grade_code = fields.Selection(related="asm_grade_id.code", string="Grade Code")
    asm_point_line_ids = fields.One2many(
        "asm.point.line",
        "lead_id",
        string="Points Ledger",
        groups="all_staff_marketing.group_participant",
    )
    asm_points = fields.Integer(
        string="Points",
        compute="_compute_asm_points",
        store=True,
        help="Net points this referral earned its referrer.",
    )
    asm_customer_tier = fields.Selection(
        related="partner_id.commercial_partner_id.asm_customer_tier",
        string="Customer Tier",
    )

    @api.depends("referrer_id")
    def _compute_referral_date(self):
        today = fields.Date.context_today(self)
        for lead in self:
            if not lead.referrer_id:
                lead.referral_date = False
            else:
                lead.referral_date = lead.referral_date or today

    @api.depends("partner_id.commercial_partner_id.vat")
    def _compute_referral_vat(self):
        for lead in self:
            lead.referral_vat = (
                lead.partner_id.commercial_partner_id.vat or lead.referral_vat
            )

    @api.depends(
        "phone",
        "mobile",
        "email_from",
        "referral_vat",
        "partner_name",
        "partner_id.commercial_partner_id.name",
        "partner_id.commercial_partner_id.is_company",
    )
    def _compute_asm_keys(self):
        for lead in self:
            commercial = lead.partner_id.commercial_partner_id
            name = lead.partner_name or (commercial.is_company and commercial.name)
            lead.asm_phone_key = referral_keys.phone_key(lead.phone)
            lead.asm_mobile_key = referral_keys.phone_key(lead.mobile)
            lead.asm_email_key = referral_keys.email_key(lead.email_from)
            lead.asm_vat_key = referral_keys.vat_key(lead.referral_vat)
            lead.asm_name_key = referral_keys.name_key(name)

    @api.depends("stage_id", "company_id", "referrer_id")
    def _compute_asm_grade_id(self):
        companies = self.company_id | self.referrer_id.company_id
        grades = self.env["asm.stage.grade"]._get_stage_grades(companies, self.stage_id)
        for lead in self:
            company = lead._get_attribution_company()
            lead.asm_grade_id = grades.get((company.id, lead.stage_id.id), False)

    def _compute_company_id(self):
        """A referral stays in its referrer's company while nobody is assigned.

        Core CRM voids the company of a lead without salesperson and team (e.g. when
        a referral is converted and its new customer has no company); the referrer
        is an employee of one company, and so is their referral.
        """
        res = super()._compute_company_id()
        for lead in self:
            if not lead.company_id and lead.referrer_id:
                lead.company_id = lead.referrer_id.company_id
        return res

    @api.depends("asm_point_line_ids.points")
    def _compute_asm_points(self):
        for lead in self:
            lead.asm_points = sum(lead.asm_point_line_ids.mapped("points"))

    def _get_attribution_company(self):
        self.ensure_one()
        return self.company_id or self.referrer_id.company_id

    # ------------------------------------------------------------------ CRUD

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if (
            self.env.context.get("asm_my_referral")
            and "referrer_id" in fields_list
            and not defaults.get("referrer_id")
        ):
            defaults["referrer_id"] = self.env.user.employee_id.id
        if (
            self.env.context.get("asm_my_referral")
            and "referral_mode" in fields_list
            and not defaults.get("referral_mode")
        ):
            defaults["referral_mode"] = self.env.company.asm_default_referral_mode
        return defaults

    def action_asm_submit_referral(self):
        """Submit button of the referral form: the client has created the lead.

        Back to My Referrals with a confirmation. A participant may call it only
        on their own referrals.
        """
        self.check_access("read")
        if self._asm_is_participant_only():
            employee = self.env.user.employee_id
            if not employee or any(lead.referrer_id != employee for lead in self):
                raise AccessError(self.env._("You can only submit your own referrals."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_referral_action_my"
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Referral %(names)s submitted: the sales team takes it from here.",
                    names=", ".join(self.mapped("display_name")),
                ),
                "next": action,
            },
        }

    @api.model_create_multi
    def create(self, vals_list):
        self._asm_check_override_right(vals_list)
        model = self
        if self._asm_is_participant_only():
            # a participant registers a referral, nothing else (see the method)
            vals_list = self._asm_prepare_participant_vals(vals_list)
            # replaces the whole context on purpose: the client's keys are stripped
            model = self.with_context(self._asm_get_participant_context())  # pylint: disable=context-overridden
        elif self.env.context.get("asm_my_referral") and not all(
            vals.get("referrer_id") for vals in vals_list
        ):
            raise self._asm_no_employee_error()
        employees = self.env["hr.employee"].browse(
            [vals["referrer_id"] for vals in vals_list if vals.get("referrer_id")]
        )
        for vals in vals_list:
            if not vals.get("referrer_id"):
                continue
            if not vals.get("name"):
                vals["name"] = (
                    vals.get("partner_name")
                    or self.env["res.partner"].browse(vals.get("partner_id")).name
                    or vals.get("contact_name")
                    or vals.get("email_from")
                    or self.env._("Referral")
                )
            if not vals.get("company_id"):
                referrer = employees.filtered(
                    lambda e, v=vals: e.id == v["referrer_id"]
                )
                vals["company_id"] = referrer.company_id.id
        leads = model._asm_create_attributed(super(CrmLead, model).create, vals_list)
        leads.filtered("referral_override_reason")._asm_log_override()
        referred = leads.filtered("referrer_id")
        referred._asm_sync_points()
        referred._asm_create_event_lines()
        return leads

    def write(self, vals):
        self._asm_check_override_right([vals])
        self._asm_check_participant_write(vals)
        res = self._asm_write_attributed(super().write, vals)
        if vals.get("referral_override_reason"):
            self._asm_log_override()
        if POINT_TRIGGERS.intersection(vals):
            self._asm_sync_points()
        if EVENT_TRIGGERS.intersection(vals):
            self._asm_create_event_lines()
        return res

    # ------------------------------------------------------ participants' input

    def _asm_is_participant_only(self):
        """True for a user who registers referrals but does not work on leads.

        Salespeople, All-Staff Marketing officers and managers work on leads; any
        other user (a participant) only sends the fields of the referral form.
        """
        if self.env.su:
            return False
        user = self.env.user
        return not (
            user.has_group("sales_team.group_sale_salesman")
            or user.has_group("all_staff_marketing.group_officer")
        )

    def _asm_get_own_attribution(self, vals):
        """What a user chooses on a lead without being an officer: a new referral
        in his own name (and its mode), the mode of his own referrals; a merge
        keeps the referral of a merged lead."""
        own = super()._asm_get_own_attribution(vals)
        if self and set(self.ids) <= set(self.env.cr.precommit.data.get(MERGE_KEY, ())):
            own.update(
                (fname, (value,))
                for fname, value in vals.items()
                if fname in FROZEN_ATTRIBUTION_FIELDS
            )
            return own
        employee_ids = tuple(self.env.user.employee_ids.ids)
        if not self:
            own["referrer_id"] = employee_ids
            if vals.get("referrer_id") in employee_ids:
                own["referral_mode"] = (vals.get("referral_mode"),)
        elif all(lead.referrer_id.id in employee_ids for lead in self):
            own["referral_mode"] = (vals.get("referral_mode"),)
        return own

    def _asm_no_employee_error(self):
        return UserError(
            self.env._(
                "Your user is not linked to an employee of %(company)s, so a "
                "referral cannot be registered in your name. Ask HR to link your "
                "user to your employee record.",
                company=self.env.company.name,
            )
        )

    @api.model
    def _asm_prepare_participant_vals(self, vals_list):
        """Values of referrals a participant registers: the form's fields only.

        Whatever else the client sends (stage, active, lost reason, shares, date,
        salesperson, team, probability, tags, ...) is dropped: the server sets the
        referrer (the participant's own employee), no salesperson, the company's
        default shares, the first stage and an active lead. Registering a referral
        in someone else's name is refused.
        """
        employee = self.env.user.employee_id
        if not employee:
            raise self._asm_no_employee_error()
        prepared = []
        for vals in vals_list:
            if vals.get("referrer_id") and vals["referrer_id"] != employee.id:
                raise AccessError(
                    self.env._(
                        "You can register referrals only in your own name "
                        "(%(employee)s); ask an All-Staff Marketing manager to "
                        "register one for someone else.",
                        employee=employee.name,
                    )
                )
            values = {
                fname: value
                for fname, value in vals.items()
                if fname in PARTICIPANT_REFERRAL_FIELDS
            }
            values.update(referrer_id=employee.id, user_id=False, active=True)
            prepared.append(values)
        return prepared

    @api.model
    def _asm_get_participant_context(self):
        """The context without defaults or switches a participant may not choose."""
        return {
            key: value
            for key, value in self.env.context.items()
            if not (
                key.startswith("default_")
                and key.removeprefix("default_") not in PARTICIPANT_REFERRAL_FIELDS
            )
            and not (key.startswith("asm_") and key != "asm_my_referral")
        }

    def _asm_check_participant_write(self, vals):
        """A participant may change only the fields of the referral form."""
        forbidden = set(vals) - PARTICIPANT_REFERRAL_FIELDS
        if not forbidden or not self._asm_is_participant_only():
            return

        def labels(fnames):
            return ", ".join(
                sorted(
                    self._fields[fname]._description_string(self.env)
                    if fname in self._fields
                    else fname
                    for fname in fnames
                )
            )

        raise UserError(
            self.env._(
                "You can only change the details of your referral (%(allowed)s). "
                "These fields are set by the sales team, not by you: %(fields)s.",
                allowed=labels(PARTICIPANT_REFERRAL_FIELDS),
                fields=labels(forbidden),
            )
        )

    # ------------------------------------------------------- ownership protection

    def _asm_check_override_right(self, vals_list):
        """Only All-Staff Marketing managers may override ownership protection."""
        if not any(vals.get("referral_override_reason") for vals in vals_list):
            return
        if self.env.su or self.env.user.has_group("all_staff_marketing.group_manager"):
            return
        raise AccessError(
            self.env._(
                "Only an All-Staff Marketing manager can set a protection override "
                "reason; ask a manager to register this referral."
            )
        )

    def _asm_match_keys(self):
        """(kind, value) pairs identifying this lead's customer."""
        self.ensure_one()
        keys = {("partner", self.asm_commercial_partner_id.id)} - {("partner", False)}
        keys.update(
            (kind, self[fname])
            for fname, kind in LEAD_KEY_FIELDS.items()
            if self[fname]
        )
        return keys

    @api.model
    def _asm_key_domain(self, keys, key_fields, partner_field):
        """Domain matching any of these (kind, value) keys, one OR over indexed keys."""
        by_kind = defaultdict(set)
        for kind, value in keys:
            by_kind[kind].add(value)
        domains = []
        if by_kind["partner"]:
            domains.append([(partner_field, "in", list(by_kind["partner"]))])
        for fname, kind in key_fields.items():
            if by_kind[kind]:
                domains.append([(fname, "in", list(by_kind[kind]))])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def _asm_get_referral_conflicts(self):
        """{lead: [message, ...]} of the claims each referred lead collides with.

        A claim is another referred lead of the same company registered within the
        company's protection window, or the customer owner of the same customer in
        that company. Two queries for the whole batch.
        """
        leads = self.filtered("referrer_id")
        if not leads:
            return {}
        # leads being merged together do not claim against each other
        # (transaction data set by ``_merge_opportunity``, never the context)
        merging = self.env.cr.precommit.data.get(MERGE_KEY, ())
        ignored_ids = leads.ids + list(merging)
        keys = {lead: lead._asm_match_keys() for lead in leads}
        all_keys = set().union(*keys.values())
        if not all_keys:
            return {}
        companies = self.env["res.company"].union(
            *(lead._get_attribution_company() for lead in leads)
        )
        today = fields.Date.context_today(self)
        starts = {
            company: today - timedelta(days=company.asm_protection_days)
            for company in companies
            if company.asm_protection_days > 0
        }
        # sudo: claims belong to other referrers, invisible to the person registering
        claims = self.env["crm.lead"]
        if starts:
            claims = (
                self.env["crm.lead"]
                .sudo()
                .search(
                    expression.AND(
                        [
                            [
                                ("id", "not in", ignored_ids),
                                ("referrer_id", "!=", False),
                                ("company_id", "in", companies.ids),
                                ("referral_date", ">=", min(starts.values())),
                            ],
                            self._asm_key_domain(
                                all_keys, LEAD_KEY_FIELDS, "asm_commercial_partner_id"
                            ),
                        ]
                    ),
                    order="referral_date, id",
                )
            )
        owners = (
            self.env["asm.customer.owner"].sudo()._search_claims(companies, all_keys)
        )
        conflicts = defaultdict(list)
        for lead in leads:
            company = lead._get_attribution_company()
            start = starts.get(company)
            for claim in claims:
                if (
                    start
                    and claim.company_id == company
                    and claim.referral_date >= start
                    and keys[lead] & claim._asm_match_keys()
                ):
                    conflicts[lead].append(
                        self.env._(
                            "%(customer)s was referred by %(referrer)s on %(date)s "
                            "(%(claim)s); it is protected for %(days)s days in "
                            "%(company)s.",
                            customer=lead.partner_name or lead.display_name,
                            referrer=claim.referrer_id.name,
                            date=format_date(self.env, claim.referral_date),
                            claim=claim.display_name,
                            days=company.asm_protection_days,
                            company=company.name,
                        )
                    )
            for owner in owners:
                if (
                    owner.company_id == company
                    and owner.lead_id.id not in ignored_ids
                    and keys[lead] & owner._asm_match_keys()
                ):
                    conflicts[lead].append(
                        self.env._(
                            "%(customer)s is already a customer of %(company)s, owned "
                            "by referrer %(referrer)s since %(date)s.",
                            customer=owner.partner_id.display_name,
                            company=company.name,
                            referrer=owner.referrer_id.name,
                            date=format_date(self.env, owner.date),
                        )
                    )
        return conflicts

    @api.constrains("referrer_id", "company_id", "referral_override_reason")
    def _check_referral_ownership(self):
        conflicts = self.filtered(
            lambda lead: not lead.referral_override_reason
        )._asm_get_referral_conflicts()
        for messages in conflicts.values():
            raise ValidationError(
                self.env._(
                    "This referral is refused: %(reasons)s An All-Staff Marketing "
                    "manager can register it anyway with a protection override "
                    "reason.",
                    reasons=" ".join(messages),
                )
            )

    def _asm_log_override(self):
        """Post who overrode the ownership protection, why, and over which claims."""
        conflicts = self._asm_get_referral_conflicts()
        for lead in self:
            lead.message_post(
                body=self.env._(
                    "Ownership protection overridden by %(user)s: %(reason)s "
                    "Existing claims: %(claims)s",
                    user=self.env.user.name,
                    reason=lead.referral_override_reason,
                    claims=" ".join(conflicts.get(lead, []))
                    or self.env._("none found"),
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ---------------------------------------------------------------- points

    @api.ondelete(at_uninstall=False)
    def _unlink_asm_reverse_points(self):
        """A deleted referral gives its points back (the ledger keeps both lines)."""
        self._asm_sync_points(release=True)

    def _asm_sync_points(self, release=False):
        """Write the ledger entries that bring each lead's points in line with it.

        A referred, active lead has earned every grade up to the one of its stage
        (by grade sequence); anything earned beyond that (moved back, lost, referrer
        changed) is reversed with an opposite entry. History is never edited.
        With ``release`` everything is reversed (the leads are being deleted); an
        argument, never read from the context.
        """
        if not self:
            return
        # sudo: the ledger follows the lead, whoever moves it (salesperson, manager)
        ledger = self.env["asm.point.line"].sudo()
        awarded = defaultdict(dict)  # lead id -> {(grade, employee): [count, points]}
        for lead, grade, employee, kind, points, count in ledger._read_group(
            [("lead_id", "in", self.ids), ("kind", "in", ("grade", "reversal"))],
            ["lead_id", "grade_id", "employee_id", "kind"],
            ["points:sum", "__count"],
        ):
            entry = awarded[lead.id].setdefault((grade, employee), [0, 0])
            entry[0] += count if kind == "grade" else -count
            entry[1] += points
        companies = self.company_id | self.referrer_id.company_id
        grades_by_company = defaultdict(list)
        for grade in (
            self.env["asm.lead.grade"]
            .sudo()
            .search([("company_id", "in", companies.ids)])
        ):
            grades_by_company[grade.company_id].append(grade)
        vals_list = []
        for lead in self:
            company = lead._get_attribution_company()
            reached = lead.asm_grade_id
            wanted = set()
            if lead.referrer_id and lead.active and reached and not release:
                wanted = {
                    (grade, lead.referrer_id)
                    for grade in grades_by_company[company]
                    if (grade.sequence, grade.id) <= (reached.sequence, reached.id)
                }
            done = {key for key, (count, __) in awarded[lead.id].items() if count > 0}
            for grade, employee in done - wanted:
                vals_list.append(
                    lead._asm_prepare_point_vals(
                        grade,
                        employee,
                        "reversal",
                        -awarded[lead.id][(grade, employee)][1],
                        release=release,
                    )
                )
            for grade, employee in sorted(wanted - done, key=lambda k: k[0].sequence):
                vals_list.append(
                    lead._asm_prepare_point_vals(grade, employee, "grade", grade.points)
                )
        if vals_list:
            ledger.create(vals_list)

    # --------------------------------------------------------- event rewards

    def _asm_create_event_lines(self):
        """Pay the event rewards (DOMAIN §5) these leads earned; idempotent.

        Every grade up to the one of the lead's stage counts as reached, as for the
        points; a lead lost with a reason pays that reason's reward (e.g. a lost bid).
        Each reward is paid once per lead and referrer, whatever moves the lead
        back and forth: its points move back, the reward stays.
        """
        leads = self.filtered("referrer_id")
        if not leads:
            return
        # system step: the user moving the lead does not write commissions
        line_model = self.env["asm.commission.line"].sudo()
        leads = leads.sudo()
        graded = leads.filtered(lambda lead: lead.active and lead.asm_grade_code)
        for index, code in enumerate(GRADE_ORDER):
            reached = graded.filtered(
                lambda lead, i=index: GRADE_ORDER.index(lead.asm_grade_code) >= i
            )
            if reached:
                line_model._create_event_lines("grade", reached, grade=code)
        lost = leads.filtered(lambda lead: not lead.active and lead.lost_reason_id)
        if lost:
            line_model._create_event_lines("lost", lost)

    def _asm_prepare_point_vals(self, grade, employee, kind, points, release=False):
        """Values of one ledger entry for this lead; extend to add information."""
        self.ensure_one()
        if kind == "grade":
            name = self.env._(
                "%(lead)s reached %(grade)s", lead=self.name, grade=grade.display_name
            )
        elif release:
            name = self.env._(
                "%(lead)s deleted: %(grade)s reversed",
                lead=self.name,
                grade=grade.display_name,
            )
        elif not self.active:
            name = self.env._(
                "%(lead)s lost: %(grade)s reversed",
                lead=self.name,
                grade=grade.display_name,
            )
        elif employee != self.referrer_id:
            name = self.env._(
                "%(lead)s: referrer changed, %(grade)s reversed",
                lead=self.name,
                grade=grade.display_name,
            )
        else:
            name = self.env._(
                "%(lead)s moved back to %(stage)s: %(grade)s reversed",
                lead=self.name,
                stage=self.stage_id.name or "-",
                grade=grade.display_name,
            )
        return {
            "name": name,
            "company_id": self._get_attribution_company().id,
            "employee_id": employee.id,
            "lead_id": self.id,
            "grade_id": grade.id,
            "kind": kind,
            "points": points,
        }

    # ----------------------------------------------------------------- merge

    def _merge_get_fields(self):
        """A merged lead keeps the referral of the first referred lead."""
        return [
            *super()._merge_get_fields(),
            "referrer_id",
            "referral_mode",
            "referral_date",
            "service_employee_id",
            "referral_handle",
            "referral_vat",
        ]

    def _merge_opportunity(
        self, user_id=False, team_id=False, auto_unlink=True, max_length=5
    ):
        # the leads merged together do not claim against each other: said
        # through transaction data a client cannot set (not the context)
        data = self.env.cr.precommit.data
        previous = data.get(MERGE_KEY)
        data[MERGE_KEY] = tuple(self.ids)
        try:
            return super()._merge_opportunity(
                user_id=user_id,
                team_id=team_id,
                auto_unlink=auto_unlink,
                max_length=max_length,
            )
        finally:
            if previous is None:
                data.pop(MERGE_KEY, None)
            else:
                data[MERGE_KEY] = previous

    # --------------------------------------------------------------- actions

    def action_asm_view_points(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_point_line_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {}
        return action
