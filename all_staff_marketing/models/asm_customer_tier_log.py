# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import CUSTOMER_TIERS


class AsmCustomerTierLog(models.Model):
    """History of a customer's tier in a company (the nightly batch writes it)."""

    _name = "asm.customer.tier.log"
    _description = "Customer Tier Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True)
    tier_from = fields.Selection(CUSTOMER_TIERS, string="From Tier")
    tier_to = fields.Selection(CUSTOMER_TIERS, string="To Tier", required=True)
    amount = fields.Monetary(
        string="Invoiced (12 Months)", currency_field="currency_id"
    )

    @api.model
    def _create_batch(self, company, date, changes):
        """Insert [(partner id, old tier, new tier, amount)] in one statement.

        The nightly batch may change the tier of 100,000 customers at once; the ORM
        would insert them 100 at a time.
        """
        self.flush_model()
        partner_ids, olds, news, amounts = zip(*changes, strict=True)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO asm_customer_tier_log
                       (partner_id, company_id, date, tier_from, tier_to, amount,
                        create_uid, create_date, write_uid, write_date)
                SELECT v.partner_id, %(company)s, %(date)s, v.old, v.new, v.amount,
                       %(uid)s, now() at time zone 'UTC',
                       %(uid)s, now() at time zone 'UTC'
                  FROM unnest(%(partner_ids)s::int[], %(olds)s::varchar[],
                              %(news)s::varchar[], %(amounts)s::numeric[])
                       AS v(partner_id, old, new, amount)
                """,
                company=company.id,
                date=date,
                uid=self.env.uid,
                partner_ids=list(partner_ids),
                olds=list(olds),
                news=list(news),
                amounts=list(amounts),
            )
        )
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(["asm_tier_log_ids"])
