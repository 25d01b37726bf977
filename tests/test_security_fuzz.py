"""Security fuzz: every field of every money model x role x state x context key.

The allow-lists of ``asm.guard.mixin`` say, per model, which fields a user of which
group may give on create and change in which state. This test walks every stored
field of every model that inherits the mixin, as every role (including the groups
Odoo's default user template gives, a portal user and a manager of another company),
on a record in every state, with no context and with every context key that this
addon or the modules it builds on read to relax a check. A field that is not
allowed must be refused, and nothing may change. It also fails on a stored field
that is neither allowed nor declared system-only (``_asm_system_fields``): adding a
money field is a decision. One pass goes through ``/web/dataset/call_kw`` as a
logged-in client. It prints what it covered.
"""

import datetime
import logging
from collections import Counter

from odoo import Command
from odoo.addons.all_staff_marketing.models.asm_attribution_mixin import (
    FROZEN_ATTRIBUTION_FIELDS,
)
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.models import MAGIC_COLUMNS
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

GROUP = "all_staff_marketing.group_%s"
#: Context keys read by this addon (before the allow-lists) or by the modules it
#: builds on to relax a check; a client can send any of them.
HOSTILE_KEYS = {
    # base_tier_validation
    "skip_validation_check": True,
    "skip_check_state_condition": True,
    # OCA payroll
    "without_compute_sheet": True,
    # this addon's former internal keys
    "asm_approval_state_write": True,
    "asm_keep_rejected_reviews": True,
    "asm_points_release": True,
    "asm_merge_lead_ids": [1, 2, 3],
    "asm_line_key_suffix": "/fuzz",
    "asm_my_referral": True,
    # the PK form's fee preview for a competition not saved yet
    "asm_pk_fees": {"staff": 99999, "supervisor": 99999},
    "asm_pk_company_id": 1,
    "asm_workflow": True,
    # Odoo core
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "install_mode": True,
    "import_file": True,
    "cron_id": 1,
    "active_test": False,
    "default_state": "approved",
    "force_company": 1,
}
#: Fields of the ORM and of the mixins (mail, tier validation): never money.
MIXIN_MODELS = (
    "mail.thread",
    "mail.activity.mixin",
    "tier.validation",
    "asm.approval.mixin",
)
REFUSED = (AccessError, UserError, ValidationError, MissingError)
RPC_REFUSED = {f"odoo.exceptions.{error.__name__}" for error in REFUSED}


class Accepted(Exception):
    """Raised after an accepted write: its savepoint is rolled back all the same."""


@tagged("post_install", "-at_install")
class TestSecurityFuzz(HttpCase):
    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = env.ref("base.main_company")
        cls.company2 = env["res.company"].create({"name": "ASM Fuzz Second Co"})
        Employee = env["hr.employee"]
        cls.department = env["hr.department"].create({"name": "Fuzz Sales"})

        def user(login, groups, company=None):
            company = company or cls.company
            record = new_test_user(
                env,
                login=login,
                password=f"{login}-pw-1",
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            employee = Employee.create(
                {
                    "name": login,
                    "user_id": record.id,
                    "company_id": company.id,
                    "department_id": cls.department.id
                    if company == cls.company
                    else False,
                }
            )
            return record, employee

        # every group of Odoo's default user template, plus the foreign
        # administrator groups it gives when their apps are installed (a user made
        # before an addon changed the template keeps them)
        foreign = {
            "base.group_user",
            "sales_team.group_sale_manager",
            "account.group_account_manager",
            "hr.group_hr_manager",
        }
        if env.ref("payroll.group_payroll_manager", raise_if_not_found=False):
            foreign.add("payroll.group_payroll_manager")
        template = env.ref("base.default_user", raise_if_not_found=False)
        if template:
            foreign |= set(template.groups_id.get_external_id().values()) - {""}
        cls.default_template_groups = sorted(foreign)
        roles = {
            "participant": "base.group_user," + GROUP % "participant",
            "officer": "base.group_user," + GROUP % "officer",
            "manager": "base.group_user," + GROUP % "manager",
            "finance": "base.group_user," + GROUP % "finance",
            "approver": "base.group_user,"
            + ",".join(
                GROUP % f"approver_{level}" for level in ("first", "second", "final")
            ),
            "default_template": ",".join(cls.default_template_groups),
            "portal": "base.group_portal",
        }
        cls.users = {}
        for role, groups in roles.items():
            cls.users[role] = user(f"asm_fz_{role}", groups)[0]
        cls.users["other_company_manager"] = user(
            "asm_fz_other_mgr", "base.group_user," + GROUP % "manager", cls.company2
        )[0]
        # the officer manages the department: the team's records are theirs to see
        cls.department.manager_id = cls.users["officer"].employee_id
        cls.beneficiary = Employee.create(
            {"name": "Fuzz Beneficiary", "department_id": cls.department.id}
        )
        # the participant is the beneficiary of the records: they read them
        cls.beneficiary = cls.users["participant"].employee_id
        cls.records = cls._make_records()

    # ------------------------------------------------------------------ records

    @classmethod
    def _make_records(cls):
        """{model: {state: record}} of every guarded model, as the system."""
        env = cls.env
        employee = cls.beneficiary
        Line = env["asm.commission.line"]
        records = {}

        def line(name, amount=100.0, **values):
            return Line.create(
                {"name": name, "employee_id": employee.id, "amount": amount, **values}
            )

        statements = {}
        for month, state in enumerate(
            ("draft", "confirmed", "approved", "paid", "cancel"), start=1
        ):
            statement = env["asm.statement"].create(
                {
                    "employee_id": employee.id,
                    "date_from": datetime.date(2025, month, 1),
                    "date_to": datetime.date(2025, month, 28),
                }
            )
            line(f"Fuzz line {state}", statement_id=statement.id)
            if state != "draft":
                statement.with_context(skip_validation_check=True).write(
                    {"state": state}
                )
            statements[state] = statement
        records["asm.statement"] = statements
        records["asm.commission.line"] = {
            "payable": line("Fuzz payable"),
            "on_hold": line("Fuzz on hold", state="on_hold"),
            "void": line("Fuzz void", state="void"),
            "in approved statement": statements["approved"].line_ids[:1],
        }
        reward = env["asm.event.reward"].create(
            {
                "name": "Fuzz panel entry",
                "event_type": "manual",
                "amount_min": 100,
                "amount_max": 20000,
            }
        )
        cls.reward = reward
        awards = {}
        for state in ("draft", "confirmed", "done", "cancel"):
            award = env["asm.award"].create(
                {
                    "name": f"Fuzz award {state}",
                    "event_reward_id": reward.id,
                    "employee_id": employee.id,
                    "amount": 1000,
                }
            )
            if state != "draft":
                award.with_context(skip_validation_check=True).write({"state": state})
            awards[state] = award
        records["asm.award"] = awards
        records["asm.point.line"] = {
            "*": env["asm.point.line"].create(
                {"name": "Fuzz points", "employee_id": employee.id, "points": 5}
            )
        }
        competitions, teams, members = {}, {}, {}
        for state in ("draft", "open", "closed", "audited", "settled", "cancelled"):
            competition = env["asm.pk.competition"].create(
                {
                    "name": f"Fuzz PK {state}",
                    "date_start": "2025-01-01",
                    "date_end": "2025-01-31",
                    "team_ids": [
                        Command.create(
                            {
                                "name": f"Fuzz team {state} {index}",
                                "member_ids": [
                                    Command.create({"employee_id": member.id})
                                ],
                            }
                        )
                        for index, member in enumerate(
                            (employee, cls.users["officer"].employee_id)
                        )
                    ],
                }
            )
            if state != "draft":
                competition.with_context(skip_validation_check=True).write(
                    {"state": state}
                )
            competitions[state] = competition
            teams[state] = competition.team_ids[:1]
            members[state] = competition.member_ids[:1]
        records["asm.pk.competition"] = competitions
        records["asm.pk.team"] = teams
        records["asm.pk.member"] = members
        program = env["loyalty.program"].create(
            {"name": "Fuzz referral coupons", "program_type": "coupons"}
        )
        customer = env["res.partner"].create({"name": "Fuzz referred customer"})
        records["loyalty.card"] = {
            "granted": env["loyalty.card"].create(
                {
                    "program_id": program.id,
                    "partner_id": customer.id,
                    "points": 10,
                    "asm_referral_campaign_id": program.id,
                    "asm_referred_partner_id": customer.id,
                    "asm_referral_points": 10,
                    "asm_referral_state": "granted",
                }
            )
        }
        return records

    # ------------------------------------------------------------------ helpers

    def _guarded_models(self):
        """Every concrete model that inherits asm.guard.mixin."""
        children = self.env.registry["asm.guard.mixin"]._inherit_children
        return sorted(
            name
            for name in children
            if not self.env[name]._abstract and not self.env[name]._transient
        )

    def _mixin_fields(self):
        names = set(self.env["asm.guard.mixin"]._fields)
        for model in MIXIN_MODELS:
            if model in self.env:
                names |= set(self.env[model]._fields)
        return names

    def _candidate_fields(self, model):
        """Fields a client can send: stored, or with an inverse; not magic."""
        Model = self.env[model]
        skip = {*MAGIC_COLUMNS, "display_name"} | self._mixin_fields()
        guarded = Model._asm_guarded(Model._fields)
        return sorted(
            name
            for name in guarded
            if name not in skip
            and (Model._fields[name].store or Model._fields[name].inverse)
        )

    def _value(self, record, fname, attacker):
        """A value different from the current one, as hostile as it gets."""
        field = record._fields[fname]
        current = record.sudo()[fname]
        kind = field.type
        if kind in ("char", "text", "html"):
            return "fuzz"
        if kind == "integer":
            return (current or 0) + 987
        if kind in ("float", "monetary"):
            return (current or 0.0) + 12345.67
        if kind == "boolean":
            return not current
        if kind == "date":
            return "2030-01-01"
        if kind == "datetime":
            return "2030-01-01 00:00:00"
        if kind == "selection":
            values = [
                value
                for value, _label in field._description_selection(self.env)
                if value != current
            ]
            return values[0] if values else False
        if kind == "many2one":
            if field.comodel_name == "hr.employee" and attacker.employee_id:
                return attacker.employee_id.id
            other = (
                self.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "!=", current.id)], limit=1, order="id desc")
            )
            return other.id or False
        if kind == "one2many":
            return [Command.clear()]
        if kind == "many2many":
            return [Command.set([])]
        return False

    def _snapshot(self):
        """What money depends on: every guarded record's stored values."""
        self.env.invalidate_all()
        snap = {}
        for model, by_state in self.records.items():
            fnames = self._candidate_fields(model)
            for state, record in by_state.items():
                for rec in record.sudo():
                    values = rec.read(fnames)[0]
                    snap[model, state, rec.id] = values
        return snap

    def _accepted(self, call, vals):
        """Whether ``call(vals)`` is accepted; rolled back either way."""
        try:
            with self.env.cr.savepoint():
                call(vals)
                self.env.flush_all()
                raise Accepted
        except Accepted:
            return True
        except REFUSED:
            return False
        finally:
            self.env.invalidate_all()

    def _allowed_write(self, record, user):
        Model = record.with_user(user)
        table = Model._asm_get_write_allow()
        state = record.sudo()._asm_guard_state()
        allowed = set()
        for key in ("*", state):
            allowed |= Model._asm_user_fields(table.get(key, {}))
        return allowed

    # ------------------------------------------------------------------ tests

    def test_every_field_is_declared(self):
        """A stored field is allowed somewhere, computed/related, or system-only."""
        models = self._guarded_models()
        self.assertTrue(set(self.records) <= set(models), models)
        self.assertFalse(
            set(models) - set(self.records),
            "a model inherits asm.guard.mixin but the fuzz test builds no record "
            "of it: add it to _make_records",
        )
        undeclared = []
        for model in models:
            Model = self.env[model]
            declared = Model._asm_get_system_fields()
            for names in Model._asm_get_create_allow().values():
                declared |= names
            for by_group in Model._asm_get_write_allow().values():
                for names in by_group.values():
                    declared |= names
            for fname in self._candidate_fields(model):
                field = Model._fields[fname]
                if field.compute or field.related:
                    continue
                if fname not in declared:
                    undeclared.append(f"{model}.{fname}")
        self.assertFalse(
            undeclared,
            "stored fields neither allowed to a group nor declared system-only "
            f"(_asm_system_fields): {undeclared}",
        )

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_write_fuzz(self):
        """Every non-allowed write is refused and changes nothing."""
        before = self._snapshot()
        contexts = {"no key": {}, "every key": HOSTILE_KEYS}
        covered = Counter()
        wrongly_accepted = []
        for model, by_state in self.records.items():
            fnames = self._candidate_fields(model)
            for state, record in by_state.items():
                for role, user in self.users.items():
                    allowed = self._allowed_write(record, user)
                    for fname in fnames:
                        for key_name, context in contexts.items():
                            value = self._value(record, fname, user)
                            target = record.with_user(user).with_context(**context)
                            accepted = self._accepted(target.write, {fname: value})
                            covered["writes"] += 1
                            covered[model] += 1
                            if accepted and fname not in allowed:
                                wrongly_accepted.append(
                                    f"{role} wrote {model}.{fname} on a {state} "
                                    f"record ({key_name})"
                                )
        self.assertEqual(self._snapshot(), before, "a refused write changed money")
        report = (
            f"security fuzz (write): {covered['writes']} writes over "
            f"{len(self.records)} models, {len(self.users)} roles, "
            f"{sum(len(s) for s in self.records.values())} records/states, "
            f"{len(contexts)} contexts ({len(HOSTILE_KEYS)} hostile keys); per "
            f"model: { {m: n for m, n in covered.items() if m != 'writes'} }; "
            f"{len(wrongly_accepted)} accepted outside the allow-list"
        )
        print(report)
        _logger.info(report)
        self.assertFalse(wrongly_accepted, "\n".join(wrongly_accepted[:40]))

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_create_fuzz(self):
        """A create with any non-allowed field (not at its default) is refused."""
        covered = 0
        wrongly_accepted = []
        for model, by_state in self.records.items():
            template = next(iter(by_state.values()))
            base_vals = self._create_vals(model)
            for role, user in self.users.items():
                Model = self.env[model].with_user(user).with_context(**HOSTILE_KEYS)
                allowed = Model._asm_user_fields(Model._asm_get_create_allow())
                for fname in self._candidate_fields(model):
                    if fname in allowed:
                        continue
                    value = self._value(template, fname, user)
                    if self.env[model]._asm_is_default_value(fname, value):
                        continue
                    vals = dict(base_vals, **{fname: value})
                    accepted = self._accepted(Model.create, vals)
                    covered += 1
                    if accepted:
                        wrongly_accepted.append(f"{role} created {model} with {fname}")
        report = (
            f"security fuzz (create): {covered} creates with a field outside the "
            f"allow-list, {len(wrongly_accepted)} accepted"
        )
        print(report)
        _logger.info(report)
        self.assertFalse(wrongly_accepted, "\n".join(wrongly_accepted[:40]))

    def _create_vals(self, model):
        """Minimal values of a new record that its allow-list accepts."""
        records = self.records
        vals = {
            "asm.statement": {
                "employee_id": self.beneficiary.id,
                "date_from": "2026-01-01",
                "date_to": "2026-01-31",
            },
            "asm.commission.line": {
                "name": "Fuzz adjustment",
                "employee_id": self.users["officer"].employee_id.id,
                "amount": 10,
                "reason": "fuzz",
            },
            "asm.award": {
                "name": "Fuzz award",
                "event_reward_id": self.reward.id,
                "employee_id": self.beneficiary.id,
                "amount": 500,
            },
            "asm.point.line": {
                "name": "Fuzz points",
                "employee_id": self.beneficiary.id,
                "points": 30,
            },
            "asm.pk.competition": {
                "name": "Fuzz PK new",
                "date_start": "2026-01-01",
                "date_end": "2026-01-31",
            },
            "asm.pk.team": {
                "name": "Fuzz new team",
                "competition_id": records["asm.pk.competition"]["draft"].id,
            },
            "asm.pk.member": {
                "team_id": records["asm.pk.team"]["draft"].id,
                "employee_id": self.env["hr.employee"]
                .create({"name": "Fuzz newcomer"})
                .id,
            },
            "loyalty.card": {
                "program_id": records["loyalty.card"]["granted"].program_id.id,
                "points": 1,
            },
        }
        return vals[model]

    # ------------------------------------------------------- the attribution

    def _attributed_documents(self):
        """A referred lead, quotation and draft invoice of the beneficiary."""
        env = self.env
        customer = env["res.partner"].create({"name": "Fuzz Attributed Customer"})
        product = env["product.product"].create({"name": "Fuzz product"})
        attribution = {
            "referrer_id": self.beneficiary.id,
            "referral_mode": "handoff",
            "referrer_share": 70.0,
            "salesperson_share": 30.0,
            "service_share": 0.0,
        }
        line = {"product_id": product.id, "price_unit": 1000.0}
        return {
            "crm.lead (referred)": env["crm.lead"].create(
                {"name": "Fuzz referral", "type": "opportunity", **attribution}
            ),
            "sale.order (quotation)": env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create(dict(line))],
                    **attribution,
                }
            ),
            "account.move (draft invoice)": env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_line_ids": [Command.create(dict(line))],
                    **attribution,
                }
            ),
        }

    def _attribution_attacks(self, record, user):
        """Values a user may try on the attribution of ``record``: each changes it."""
        own = user.employee_id or self.beneficiary
        attacks = [
            {"referrer_id": own.id if own != record.referrer_id else False},
            {"referral_mode": "direct"},
            {"referral_deal_type": "followup"},
            {"service_employee_id": own.id},
            {"referrer_share": 0.0, "salesperson_share": 100.0},
            {"referrer_share": 60.0, "salesperson_share": 30.0, "service_share": 10.0},
            {"referral_excluded": True, "referral_exclusion_reason": "fuzz"},
            {"referrer_id": False},
        ]
        if "asm_landmark" in record._fields:
            attacks.append({"asm_landmark": True})
        return attacks

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_attribution_fuzz(self):
        """Only officers and managers change who brought a deal in and the split."""
        documents = self._attributed_documents()

        def attribution(doc):
            fnames = [f for f in FROZEN_ATTRIBUTION_FIELDS if f in doc._fields]
            return doc.read(fnames)[0]

        before = {name: attribution(doc) for name, doc in documents.items()}
        contexts = {"no key": {}, "every key": HOSTILE_KEYS}
        choosers = {"officer", "manager"}
        covered = Counter()
        wrongly_accepted = []
        for name, document in documents.items():
            for role, user in self.users.items():
                for vals in self._attribution_attacks(document, user):
                    for key_name, context in contexts.items():
                        target = document.with_user(user).with_context(**context)
                        # dict(): write() may add keys to the dict it gets
                        accepted = self._accepted(target.write, dict(vals))
                        covered["writes"] += 1
                        if accepted and role not in choosers:
                            wrongly_accepted.append(
                                f"{role} wrote {sorted(vals)} on {name} ({key_name})"
                            )
        # and once as a logged-in client of the default template, through JSON-RPC
        user = self.users["default_template"]
        self.authenticate(user.login, f"{user.login}-pw-1")
        for name, document in documents.items():
            with self.assertRaises(JsonRpcException, msg=name) as refusal:
                with mute_logger("odoo.http"):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/{document._name}/write",
                        {
                            "model": document._name,
                            "method": "write",
                            "args": [
                                document.ids,
                                {"referrer_id": user.employee_id.id},
                            ],
                            "kwargs": {"context": HOSTILE_KEYS},
                        },
                    )
            self.assertIn(str(refusal.exception), RPC_REFUSED, name)
            covered["writes"] += 1
        self.env.invalidate_all()
        after = {name: attribution(doc) for name, doc in documents.items()}
        self.assertEqual(after, before, "a refused write changed an attribution")
        report = (
            f"security fuzz (attribution): {covered['writes']} writes over "
            f"{len(documents)} documents, {len(self.users)} roles (default template: "
            f"{', '.join(self.default_template_groups)}), {len(contexts)} contexts; "
            f"{len(wrongly_accepted)} accepted outside officers and managers"
        )
        print(report)
        _logger.info(report)
        self.assertFalse(wrongly_accepted, "\n".join(wrongly_accepted[:40]))
        # the same writes go through for an officer who has the apps' rights:
        # what refuses the others is the attribution check, not a missing right
        chooser = new_test_user(
            self.env,
            login="asm_fz_chooser",
            groups="base.group_user,all_staff_marketing.group_officer,"
            "sales_team.group_sale_manager,account.group_account_manager",
        )
        for name, document in documents.items():
            for vals in self._attribution_attacks(
                document, self.users["default_template"]
            ):
                self.assertTrue(
                    self._accepted(document.with_user(chooser).write, dict(vals)),
                    f"an officer with Sales and Invoicing rights could not write "
                    f"{sorted(vals)} on {name}",
                )

    def test_write_fuzz_through_call_kw(self):
        """One pass of the write fuzz as logged-in clients through JSON-RPC."""
        before = self._snapshot()
        calls, accepted = 0, []
        for role in ("officer", "default_template", "finance"):
            user = self.users[role]
            self.authenticate(user.login, f"{user.login}-pw-1")
            for model, by_state in self.records.items():
                fnames = self._candidate_fields(model)
                for state, record in by_state.items():
                    allowed = self._allowed_write(record, user)
                    for fname in fnames:
                        if fname in allowed:
                            continue
                        value = self._value(record, fname, user)
                        try:
                            with mute_logger("odoo.http"):
                                self.make_jsonrpc_request(
                                    f"/web/dataset/call_kw/{model}/write",
                                    {
                                        "model": model,
                                        "method": "write",
                                        "args": [[record.id], {fname: value}],
                                        "kwargs": {"context": HOSTILE_KEYS},
                                    },
                                )
                            accepted.append(f"{role}: {model}.{fname} ({state})")
                        except JsonRpcException as error:
                            # the client gets the server's refusal
                            self.assertIn(str(error), RPC_REFUSED, (model, fname))
                        calls += 1
        self.assertEqual(self._snapshot(), before, "an RPC write changed money")
        report = f"security fuzz (call_kw): {calls} writes, {len(accepted)} accepted"
        print(report)
        _logger.info(report)
        self.assertFalse(accepted, "\n".join(accepted[:40]))
