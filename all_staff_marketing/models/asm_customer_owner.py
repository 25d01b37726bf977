# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.osv import expression

from .. import referral_keys
from .asm_attribution_mixin import REFERRAL_MODES

OWNER_KEY_FIELDS = {
    "phone_key": "phone",
    "mobile_key": "phone",
    "email_key": "email",
    "vat_key": "vat",
    "name_key": "name",
}


class AsmCustomerOwner(models.Model):
    """The referrer a customer belongs to in one company.

    Set when the customer's first referred order is confirmed; later orders of the
    customer in that company are follow-ups that still count for this referrer.
    """

    _name = "asm.customer.owner"
    _description = "Customer Owner"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
        help="Commercial entity (company or individual) that was referred.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    referrer_id = fields.Many2one(
        "hr.employee",
        string="Referrer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    referral_mode = fields.Selection(REFERRAL_MODES)
    service_employee_id = fields.Many2one(
        "hr.employee",
        string="Customer Service",
        check_company=True,
        help="Customer service employee of the follow-up deals of this customer.",
    )
    date = fields.Date(
        string="Owner Since", required=True, default=fields.Date.context_today
    )
    order_id = fields.Many2one(
        "sale.order",
        string="First Order",
        ondelete="set null",
        check_company=True,
    )
    lead_id = fields.Many2one("crm.lead", string="Referral", ondelete="set null")
    phone_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")
    mobile_key = fields.Char(
        compute="_compute_keys", store=True, index="btree_not_null"
    )
    email_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")
    vat_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")
    name_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one owner per company.",
        )
    ]

    @api.depends(
        "partner_id.phone",
        "partner_id.mobile",
        "partner_id.email",
        "partner_id.vat",
        "partner_id.name",
    )
    def _compute_keys(self):
        for owner in self:
            partner = owner.partner_id
            owner.phone_key = referral_keys.phone_key(partner.phone)
            owner.mobile_key = referral_keys.phone_key(partner.mobile)
            owner.email_key = referral_keys.email_key(partner.email)
            owner.vat_key = referral_keys.vat_key(partner.vat)
            owner.name_key = referral_keys.name_key(partner.name)

    def _asm_match_keys(self):
        """(kind, value) pairs identifying this owner's customer."""
        self.ensure_one()
        keys = {("partner", self.partner_id.id)}
        keys.update(
            (kind, self[fname])
            for fname, kind in OWNER_KEY_FIELDS.items()
            if self[fname]
        )
        return keys

    @api.model
    def _search_claims(self, companies, keys):
        """Owners of these companies matching any of the (kind, value) keys."""
        domain = self.env["crm.lead"]._asm_key_domain(
            keys, OWNER_KEY_FIELDS, "partner_id"
        )
        return self.search(
            expression.AND([[("company_id", "in", companies.ids)], domain])
        )

    @api.model
    def _get_owners(self, pairs):
        """{(commercial partner id, company id): owner} for these pairs, one query."""
        partner_ids = {partner for partner, __ in pairs}
        company_ids = {company for __, company in pairs}
        if not partner_ids:
            return {}
        owners = self.search(
            [
                ("partner_id", "in", list(partner_ids)),
                ("company_id", "in", list(company_ids)),
            ]
        )
        return {(owner.partner_id.id, owner.company_id.id): owner for owner in owners}
