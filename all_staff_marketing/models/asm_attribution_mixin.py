# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

REFERRAL_MODES = [("direct", "Direct"), ("handoff", "Hand-off")]
DEAL_TYPES = [("first", "First deal"), ("followup", "Follow-up")]
SHARE_FIELDS = ("referrer_share", "salesperson_share", "service_share")
#: Attribution of a confirmed order or a posted invoice: changed only by a manager's
#: "Correct Attribution" (asm.attribution.correction), which redoes the commissions.
FROZEN_ATTRIBUTION_FIELDS = (
    "referrer_id",
    "referral_mode",
    "referral_deal_type",
    "service_employee_id",
    *SHARE_FIELDS,
    "referral_excluded",
    "referral_exclusion_reason",
    "asm_landmark",
)


class AsmAttributionMixin(models.AbstractModel):
    """Who brought a deal in and how its reward is split.

    One definition shared by the CRM lead, the sale order and the invoice, so the
    attribution travels along the flow unchanged (the OCA ``commission.mixin`` idea).
    """

    _name = "asm.attribution.mixin"
    _description = "All-Staff Marketing attribution"

    referrer_id = fields.Many2one(
        "hr.employee",
        string="Referrer",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        help="Employee who brought this customer in.",
    )
    referral_mode = fields.Selection(
        REFERRAL_MODES,
        tracking=True,
        help="Direct: the referrer closed the deal. Hand-off: the referrer confirmed "
        "the key person and handed over to the sales team.",
    )
    referral_deal_type = fields.Selection(
        DEAL_TYPES,
        string="Deal Type",
        compute="_compute_referral_deal_type",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        tracking=True,
        help="First deal of this customer in this company, or a follow-up deal.",
    )
    service_employee_id = fields.Many2one(
        "hr.employee",
        string="Customer Service",
        tracking=True,
        check_company=True,
    )
    referrer_share = fields.Float(
        string="Referrer Share (%)",
        compute="_compute_referral_shares",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        tracking=True,
        help="Defaults from the company configuration for the deal type.",
    )
    salesperson_share = fields.Float(
        string="Salesperson Share (%)",
        compute="_compute_referral_shares",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        tracking=True,
    )
    service_share = fields.Float(
        string="Service Share (%)",
        compute="_compute_referral_shares",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        tracking=True,
    )
    referral_excluded = fields.Boolean(
        string="Excluded from Rewards",
        tracking=True,
        help="No commission is earned on this document (e.g. sold at employee price).",
    )
    referral_exclusion_reason = fields.Char(string="Exclusion Reason", tracking=True)
    asm_can_edit_attribution = fields.Boolean(
        string="Can Choose the Attribution",
        compute="_compute_asm_can_edit_attribution",
        help="Technical: the user is an All-Staff Marketing officer or manager, who "
        "alone chooses the attribution; for anybody else it is derived.",
    )

    @api.depends("referrer_id")
    def _compute_referral_deal_type(self):
        for rec in self:
            if not rec.referrer_id:
                rec.referral_deal_type = False
            else:
                rec.referral_deal_type = rec.referral_deal_type or "first"

    @api.depends("referrer_id", "referral_deal_type")
    def _compute_referral_shares(self):
        for rec in self:
            if rec._asm_is_attribution_frozen():
                # only a correction changes the shares of a frozen document
                rec.update({share: rec[share] for share in SHARE_FIELDS})
            else:
                rec.update(rec._get_referral_default_shares())

    def _get_referral_default_shares(self):
        """Shares a document gets when its referrer or deal type is set.

        Override to take them from elsewhere (the sale order takes its opportunity's).
        """
        self.ensure_one()
        if not self.referrer_id:
            return dict.fromkeys(SHARE_FIELDS, 0.0)
        company = self._get_attribution_company() or self.env.company
        return company._get_asm_default_shares(self.referral_deal_type)

    def _get_attribution_company(self):
        """Company the attribution belongs to (the document's company)."""
        self.ensure_one()
        return self.company_id

    @api.constrains(
        lambda self: ["referrer_id"] + (["company_id"] if "company_id" in self else [])
    )
    def _check_referrer_company(self):
        for rec in self.filtered("referrer_id"):
            company = rec._get_attribution_company()
            if company and rec.referrer_id.company_id != company:
                raise ValidationError(
                    self.env._(
                        "%(doc)s: the referrer %(referrer)s is an employee of "
                        "%(referrer_company)s, not of %(company)s. Choose an "
                        "employee of %(company)s as referrer.",
                        doc=rec.display_name,
                        referrer=rec.referrer_id.name,
                        referrer_company=rec.referrer_id.company_id.name,
                        company=company.name,
                    )
                )

    @api.constrains(
        "referrer_id", "referrer_share", "salesperson_share", "service_share"
    )
    def _check_referral_shares(self):
        for rec in self.filtered("referrer_id"):
            shares = (rec.referrer_share, rec.salesperson_share, rec.service_share)
            if any(share < 0 for share in shares):
                raise ValidationError(
                    self.env._(
                        "%(doc)s: a reward share cannot be negative "
                        "(referrer %(r)s %%, salesperson %(s)s %%, service %(c)s %%).",
                        doc=rec.display_name,
                        r=rec.referrer_share,
                        s=rec.salesperson_share,
                        c=rec.service_share,
                    )
                )
            if float_compare(sum(shares), 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "%(doc)s: the reward shares must add up to 100 %%, they add up "
                        "to %(total)s %% (referrer %(r)s, salesperson %(s)s, "
                        "service %(c)s). Fix the shares.",
                        doc=rec.display_name,
                        total=round(sum(shares), 2),
                        r=rec.referrer_share,
                        s=rec.salesperson_share,
                        c=rec.service_share,
                    )
                )

    # ------------------------------------------------------------ freezing

    def _asm_is_attribution_frozen(self):
        """True when the attribution changes only through a correction; override."""
        self.ensure_one()
        return False

    def _asm_get_attribution_changes(self, vals):
        """[(field name, old value, new value)] that ``vals`` changes on this record."""
        self.ensure_one()
        changes = []
        for fname in FROZEN_ATTRIBUTION_FIELDS:
            if fname not in vals or fname not in self._fields:
                continue
            field = self._fields[fname]
            old = self[fname]
            new = field.convert_to_cache(vals[fname], self)
            new = field.convert_to_record(new, self)
            if field.type == "float":
                differs = float_compare(old, new or 0.0, precision_digits=4) != 0
            else:
                differs = (old or False) != (new or False)
            if differs:
                changes.append((fname, old, new))
        return changes

    def _asm_describe_changes(self, changes):
        """The labels of the fields in ``changes``, for a message."""
        return ", ".join(
            self._fields[fname]._description_string(self.env)
            for fname, __, __ in changes
        )

    def _asm_check_attribution_frozen(self, vals):
        """Refuse changing the attribution of frozen documents (superuser excepted)."""
        if self.env.su or not set(FROZEN_ATTRIBUTION_FIELDS).intersection(vals):
            return
        for rec in self:
            if not rec._asm_is_attribution_frozen():
                continue
            changes = rec._asm_get_attribution_changes(vals)
            if changes:
                raise UserError(
                    self.env._(
                        "%(doc)s is confirmed or posted: its attribution (%(fields)s) "
                        "can no longer be edited. An All-Staff Marketing manager "
                        "changes it with the Correct Attribution button of the "
                        "document, which reverses and recomputes its commissions.",
                        doc=rec.display_name,
                        fields=rec._asm_describe_changes(changes),
                    )
                )

    # ------------------------------------------------- who chooses the attribution

    # a dependency, so that a new record's form computes it (a field without one
    # keeps the False that the onchange of a new record gives every field)
    @api.depends("company_id")
    @api.depends_context("uid")
    def _compute_asm_can_edit_attribution(self):
        may = self._asm_may_choose_attribution()
        for rec in self:
            rec.asm_can_edit_attribution = may

    def _asm_may_choose_attribution(self):
        """Only All-Staff Marketing officers and managers choose who brought a deal
        in and how its reward is split; anybody else gets what the system derives.
        Sales, Invoicing or Employees administrator rights grant nothing here."""
        user = self.env.user
        return self.env.su or user.has_group("all_staff_marketing.group_officer")

    def _asm_get_own_attribution(self, vals):
        """{field: accepted values} that ``vals`` may give without an officer.

        Called on the records written (or on the empty model for a create). By
        default nothing: the system derives the attribution (from the opportunity,
        the customer's owner, the reversed invoice, ...). Override to accept what the
        user may choose himself (a referral in his own name).
        """
        return {}

    def _asm_split_attribution(self, vals_list):
        """Separate the attribution a user may not choose from ``vals_list``.

        Returns (values to write, claimed values): each claimed value is dropped, so
        the system derives the field, and once written the record's value must equal
        the claim (``_asm_check_claimed_attribution``). A form that sends back the
        derived values passes; a value chosen by hand is refused, whatever the group
        the user has outside this addon.
        """
        if self._asm_may_choose_attribution():
            return vals_list, [{} for __ in vals_list]
        kept_list, claims = [], []
        for vals in vals_list:
            if not set(FROZEN_ATTRIBUTION_FIELDS).intersection(vals):
                # nothing to derive: no lookup (owners, reversed invoice) per write
                kept_list.append(vals)
                claims.append({})
                continue
            own = self._asm_get_own_attribution(vals)
            kept, claimed = {}, {}
            for fname, value in vals.items():
                if fname in FROZEN_ATTRIBUTION_FIELDS and value not in own.get(
                    fname, ()
                ):
                    claimed[fname] = value
                else:
                    kept[fname] = value
            kept_list.append(kept)
            claims.append(claimed)
        return kept_list, claims

    def _asm_check_claimed_attribution(self, claimed):
        """Refuse when the attribution a user sent differs from the derived one."""
        if not claimed:
            return
        for rec in self:
            changes = rec._asm_get_attribution_changes(claimed)
            if changes:
                raise UserError(
                    self.env._(
                        "%(doc)s: only an All-Staff Marketing officer or manager "
                        "chooses who brought a deal in and how its reward is split "
                        "(%(fields)s). Leave these fields as the system fills them "
                        "(from the opportunity or the customer's owner) or ask an "
                        "officer to change them.",
                        doc=rec.display_name,
                        fields=rec._asm_describe_changes(changes),
                    )
                )

    @api.model
    def _asm_create_attributed(self, create, vals_list):
        """``create(vals_list)`` keeping only the attribution the user may choose."""
        # the empty model: copy() creates from the records it copies
        vals_list, claims = self.browse()._asm_split_attribution(vals_list)
        records = create(vals_list)
        for rec, claimed in zip(records, claims, strict=True):
            rec._asm_check_claimed_attribution(claimed)
        return records

    def _asm_write_attributed(self, write, vals):
        """``write(vals)`` keeping only the attribution the user may choose."""
        self._asm_check_attribution_frozen(vals)
        [vals], [claimed] = self._asm_split_attribution([vals])
        res = write(vals)
        self._asm_check_claimed_attribution(claimed)
        return res

    def copy_data(self, default=None):
        """A copy made by a user who may not choose the attribution derives it."""
        vals_list = super().copy_data(default=default)
        if not self._asm_may_choose_attribution():
            default = default or {}
            for vals in vals_list:
                for fname in FROZEN_ATTRIBUTION_FIELDS:
                    if fname not in default:
                        vals.pop(fname, None)
        return vals_list

    def _prepare_attribution_vals(self):
        """Values that carry this record's attribution onto the next document."""
        self.ensure_one()
        return {
            "referrer_id": self.referrer_id.id,
            "referral_mode": self.referral_mode,
            "referral_deal_type": self.referral_deal_type,
            "service_employee_id": self.service_employee_id.id,
            "referrer_share": self.referrer_share,
            "salesperson_share": self.salesperson_share,
            "service_share": self.service_share,
            "referral_excluded": self.referral_excluded,
            "referral_exclusion_reason": self.referral_exclusion_reason,
        }
