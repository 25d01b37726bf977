# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Normalised keys that identify a customer across spellings.

Ownership protection compares these keys, stored and indexed on leads and customer
owners, so that "+86 138-0013-8000" and "13800138000", or "ACME  Ltd." and "acme ltd"
are the same customer.
"""

import re

from odoo.tools import email_normalize

PHONE_KEY_DIGITS = 10
PHONE_MIN_DIGITS = 7


def phone_key(phone):
    """Last 10 digits of the number, international/trunk prefixes ignored.

    "+86 138 0013 8000", "0086 13800138000" and "138-0013-8000" give the same key;
    numbers with fewer than 7 digits give none.
    """
    digits = re.sub(r"\D", "", phone or "").lstrip("0")
    if len(digits) < PHONE_MIN_DIGITS:
        return False
    return digits[-PHONE_KEY_DIGITS:]


def email_key(email):
    """Lower-cased bare address ("Name <A@B.com>" → "a@b.com")."""
    if not email:
        return False
    return email_normalize(email, strict=False) or email.strip().lower() or False


def vat_key(vat):
    """Upper-case letters and digits only ("cn 9131-0000 x" → "CN91310000X")."""
    key = re.sub(r"[^0-9A-Z]", "", (vat or "").upper())
    return key or False


def name_key(name):
    """Case-folded name without spaces or punctuation ("ACME Ltd." → "acmeltd")."""
    key = re.sub(r"[\W_]+", "", (name or "").casefold())
    return key or False
