"""The RPC path is closed too: a participant logged in with a password, calling
``/web/dataset/call_kw`` like any client, gets what the referral form gives."""

from odoo import fields
from odoo.tests import HttpCase, new_test_user


class TestParticipantRpc(HttpCase):
    # Odoo sets these only for tests under odoo.addons.*; pytest-odoo needs them
    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.ref("base.main_company")
        cls.company.write(
            {
                "asm_first_referrer_share": 70.0,
                "asm_first_salesperson_share": 30.0,
                "asm_first_service_share": 0.0,
            }
        )
        cls.bid_lost = env.ref("all_staff_marketing.crm_lost_reason_bid_lost")
        env["asm.event.reward"].search([]).action_archive()
        env["asm.event.reward"].create(
            {
                "name": "Information for a lost bid",
                "event_type": "lost",
                "lost_reason_id": cls.bid_lost.id,
                "amount": 300,
            }
        )
        groups = "base.group_user,all_staff_marketing.group_participant"
        cls.user_alice = new_test_user(
            env, login="asm_rpc_alice", password="asm-rpc-alice-1", groups=groups
        )
        cls.user_bob = new_test_user(env, login="asm_rpc_bob", groups=groups)
        Employee = env["hr.employee"]
        cls.alice = Employee.create({"name": "Alice", "user_id": cls.user_alice.id})
        cls.bob = Employee.create({"name": "Bob", "user_id": cls.user_bob.id})
        cls.Line = env["asm.commission.line"]
        cls.alices_line, cls.bobs_line = cls.Line.create(
            [
                {"name": "Award for Alice", "employee_id": cls.alice.id, "amount": 50},
                {"name": "Award for Bob", "employee_id": cls.bob.id, "amount": 80},
            ]
        )

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_participant_rpc(self):
        self.authenticate("asm_rpc_alice", "asm-rpc-alice-1")
        lead_id = self._call_kw(
            "crm.lead",
            "create",
            [
                {
                    "partner_name": "RPC Ghost Ltd",
                    "referrer_id": self.alice.id,
                    "referral_mode": "handoff",
                    "active": False,
                    "lost_reason_id": self.bid_lost.id,
                    "referrer_share": 100.0,
                    "salesperson_share": 0.0,
                    "service_share": 0.0,
                }
            ],
            {"context": {"asm_my_referral": True, "default_active": False}},
        )
        self.env.invalidate_all()
        lead = self.env["crm.lead"].with_context(active_test=False).browse(lead_id)
        self.assertEqual(lead.partner_name, "RPC Ghost Ltd")
        self.assertEqual(lead.referrer_id, self.alice)
        self.assertTrue(lead.active)
        self.assertFalse(lead.lost_reason_id)
        self.assertEqual(lead.referral_date, fields.Date.context_today(lead))
        self.assertEqual(
            (lead.referrer_share, lead.salesperson_share, lead.service_share),
            (70.0, 30.0, 0.0),
        )
        # no reward line: neither for the system nor for Alice
        self.assertEqual(self.Line.search_count([("lead_id", "=", lead_id)]), 0)
        fields_read = ["employee_id", "amount", "lead_id"]
        mine = self._call_kw(
            "asm.commission.line",
            "search_read",
            [],
            {"domain": [], "fields": fields_read, "context": {"active_test": False}},
        )
        # only her own line, not Bob's, and no 300 for a lead that never was
        self.assertEqual([row["id"] for row in mine], self.alices_line.ids)
        self.assertEqual(mine[0]["amount"], 50)
        # the lead's reward lines, asked for directly: none
        self.assertEqual(
            self._call_kw(
                "asm.commission.line",
                "search_read",
                [],
                {"domain": [("lead_id", "=", lead_id)], "fields": fields_read},
            ),
            [],
        )
