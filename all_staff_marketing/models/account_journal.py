# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

#: Journal types whose entries bring money in (or out): their liquidity lines count.
MONEY_JOURNAL_TYPES = ("bank", "cash")


class AccountJournal(models.Model):
    """Which journals bring money for commissions (DOMAIN §6: paid on money only)."""

    _inherit = "account.journal"

    asm_counts_as_money = fields.Boolean(
        string="Counts as Money for Commissions",
        help="Commissions are paid on money received: the bank and cash part of "
        "payments in bank and cash journals. Tick this on another journal whose "
        "entries settle customer invoices with value the company receives, e.g. a "
        "netting journal against the customer's vendor bills: its reconciled amounts "
        "then count in full. Credit notes, write-offs, exchange differences and other "
        "miscellaneous entries never earn.",
    )
