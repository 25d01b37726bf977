# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import float_compare

#: Payment states of a customer invoice whose money has been received.
PAID_STATES = ("paid", "in_payment")
REFERRAL_CARD_STATES = [
    ("granted", "Granted"),
    ("taken_back", "Taken Back"),
    ("kept", "Used Before the Refund"),
]

#: The fields of a referral coupon that this addon writes.
REFERRAL_CARD_FIELDS = (
    "asm_referral_campaign_id",
    "asm_referred_partner_id",
    "asm_referral_invoice_id",
    "asm_referral_points",
    "asm_referral_state",
)


class LoyaltyCard(models.Model):
    """Coupons of referring customers, granted when a referred first invoice is paid."""

    _name = "loyalty.card"
    _inherit = ["loyalty.card", "asm.guard.mixin"]
    # Allow-list (asm.guard.mixin) of the fields this addon adds: the referral
    # coupon's link to its campaign, customer, invoice and status are written by
    # the system only (granted on payment, taken back on refund). The coupon's own
    # fields follow the loyalty app's rules.
    _asm_guard_fields = REFERRAL_CARD_FIELDS
    _asm_system_fields = REFERRAL_CARD_FIELDS

    asm_referral_campaign_id = fields.Many2one(
        "loyalty.program",
        string="Referral Campaign",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
        copy=False,
    )
    asm_referred_partner_id = fields.Many2one(
        "res.partner",
        string="Referred Customer",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
        copy=False,
    )
    asm_referral_invoice_id = fields.Many2one(
        "account.move",
        string="Referred Customer's Invoice",
        readonly=True,
        ondelete="set null",
        copy=False,
        help="The referred customer's first invoice whose payment earned this coupon.",
    )
    asm_referral_points = fields.Float(
        string="Granted Points", readonly=True, copy=False
    )
    asm_referral_state = fields.Selection(
        REFERRAL_CARD_STATES,
        string="Referral Coupon Status",
        readonly=True,
        copy=False,
        tracking=True,
    )

    _sql_constraints = [
        (
            "asm_referral_uniq",
            "unique(asm_referred_partner_id, asm_referral_campaign_id)",
            "A referred customer earns one coupon per referral campaign.",
        )
    ]

    # ---------------------------------------------------------------- sync

    @api.model
    def _asm_sync_referral_coupons(self, moves):
        """Grant or take back the referral coupons that these moves decide.

        Called on reconciliation: a referred customer's first invoice paid in full
        grants the referring customer's coupon (once); a refund of that invoice
        takes back the coupon if it is unused. Idempotent and batched.
        """
        # sudo: a system step of the reconciliation; whoever registers a payment
        # neither reads campaigns nor manages coupons
        moves = moves.sudo().filtered(lambda m: m.state == "posted")
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        invoices |= moves.filtered(
            lambda m: m.move_type == "out_refund"
        ).reversed_entry_id.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        invoices = invoices.filtered(
            lambda m: m.commercial_partner_id.asm_referral_campaign_id
            and m.commercial_partner_id.asm_referred_by_partner_id
        )
        if not invoices:
            return self.browse()
        cards = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    (
                        "asm_referred_partner_id",
                        "in",
                        invoices.commercial_partner_id.ids,
                    ),
                    ("asm_referral_campaign_id", "!=", False),
                ]
            )
        )
        refunded = invoices._asm_get_refunded_invoices()
        cards.filtered(
            lambda c: c.asm_referral_state == "granted"
            and c.asm_referral_invoice_id in refunded
        )._asm_take_back()
        return self._asm_grant_referral_coupons(invoices - refunded, cards)

    @api.model
    def _asm_grant_referral_coupons(self, invoices, cards):
        """Create the coupons earned by these (not refunded) invoices."""
        granted = {
            (c.asm_referred_partner_id.id, c.asm_referral_campaign_id.id) for c in cards
        }
        first = invoices._asm_get_first_invoice_ids()
        vals_list = []
        for invoice in invoices.filtered(lambda m: m.payment_state in PAID_STATES):
            partner = invoice.commercial_partner_id
            campaign = partner.asm_referral_campaign_id
            key = (partner.id, campaign.id)
            if (
                key in granted
                or first.get((partner.id, invoice.company_id.id)) != invoice.id
                or (campaign.company_id and campaign.company_id != invoice.company_id)
            ):
                continue
            granted.add(key)
            vals_list.append(campaign._asm_prepare_referral_card_vals(invoice))
        if not vals_list:
            return self.browse()
        new_cards = self.sudo().create(vals_list)
        for card in new_cards:
            card.partner_id.message_post(
                body=self.env._(
                    "Referral coupon %(code)s granted (%(points)s, %(program)s): "
                    "%(customer)s, referred in campaign %(campaign)s, paid invoice "
                    "%(invoice)s.",
                    code=card.code,
                    points=card.points_display,
                    program=card.program_id.name,
                    customer=card.asm_referred_partner_id.name,
                    campaign=card.asm_referral_campaign_id.name,
                    invoice=card.asm_referral_invoice_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return new_cards

    def _asm_get_used_cards(self):
        """Cards already spent (points consumed or on a confirmed order)."""
        used_ids = {
            coupon.id
            for (coupon,) in self.env["sale.order.line"]
            .sudo()
            ._read_group(
                [("coupon_id", "in", self.ids), ("order_id.state", "=", "sale")],
                ["coupon_id"],
            )
        }
        return self.filtered(
            lambda c: c.id in used_ids
            or float_compare(c.points, c.asm_referral_points, precision_digits=2) < 0
        )

    def _asm_take_back(self):
        """Take back unused referral coupons; keep used ones, saying so."""
        if not self:
            return
        used = self._asm_get_used_cards()
        unused = self - used
        if unused:
            unused.with_context(loyalty_no_mail=True).write(
                {"points": 0.0, "active": False, "asm_referral_state": "taken_back"}
            )
        if used:
            used.write({"asm_referral_state": "kept"})
        for card in self:
            values = {
                "code": card.code,
                "customer": card.asm_referred_partner_id.name,
                "invoice": card.asm_referral_invoice_id.name,
            }
            if card in unused:
                body = self.env._(
                    "Referral coupon %(code)s taken back: invoice %(invoice)s of "
                    "%(customer)s was refunded before the coupon was used.",
                    **values,
                )
            else:
                body = self.env._(
                    "Referral coupon %(code)s was already used when invoice "
                    "%(invoice)s of %(customer)s was refunded; it is not taken back.",
                    **values,
                )
            card.partner_id.message_post(body=body, subtype_xmlid="mail.mt_note")
