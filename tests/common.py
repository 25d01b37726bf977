"""Base classes of the suite: data built once per class, never demo data."""

from odoo.tests import Form
from odoo.tests.common import TransactionCase, new_test_user

REFERRAL_FORM = "all_staff_marketing.asm_referral_view_form"


class AsmCase(TransactionCase):
    """TransactionCase for tests living outside the addon folder.

    Odoo's MetaCase sets ``test_module``/``test_tags`` only for classes under
    ``odoo.addons.*``; pytest-odoo needs them, so they are set here.
    """

    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.ref("base.main_company")

    @classmethod
    def _new_user(cls, login, groups, **kw):
        """Create an internal user with the given comma-separated group xml ids."""
        return new_test_user(cls.env, login=login, groups=groups, **kw)

    def _validate_tiers_as(self, record, user, max_levels=3):
        """Validate every pending tier of ``record`` as ``user``, as in the UI."""
        for _level in range(max_levels):
            if record.state != "confirmed":
                break
            action = record.with_user(user).validate_tier()
            if action and action.get("res_model") == "comment.wizard":
                wizard = (
                    self.env["comment.wizard"]
                    .with_user(user)
                    .with_context(**action["context"])
                    .create({"comment": "OK"})
                )
                wizard.add_comment()
        return record.state

    def _register_referral(self, user, **values):
        """Register a referral as ``user`` through the participant's own form."""
        Lead = (
            self.env["crm.lead"]
            .with_user(user)
            .with_context(asm_my_referral=True, default_user_id=False)
        )
        with Form(Lead, view=REFERRAL_FORM) as form:
            for name, value in values.items():
                setattr(form, name, value)
        return form.record
