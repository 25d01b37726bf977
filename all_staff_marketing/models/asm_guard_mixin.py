# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError

GROUP_OFFICER = "all_staff_marketing.group_officer"
GROUP_MANAGER = "all_staff_marketing.group_manager"
#: Key of ``_asm_write_allow`` that holds in every state.
ANY_STATE = "*"


class AsmGuardMixin(models.AbstractModel):
    """Allow-list of what a user may write on a record that carries money.

    Every model that carries money, points or workflow inherits this mixin and
    declares, in one place, what a user (anyone but the superuser) may send:

    - ``_asm_create_allow``: ``{group xml id: (field, ...)}``, the fields a user of
      the group may give when creating a record. Any other field is accepted only
      with its default value (the web client sends e.g. ``state: 'draft'``).
    - ``_asm_write_allow``: ``{state: {group xml id: (field, ...)}}``, the fields a
      user of the group may change on a record in that state (``"*"``: every
      state). The state of a record is ``_asm_guard_state()``.
    - ``_asm_system_fields``: the stored fields nobody but the system writes. Every
      stored field of the model is either allowed somewhere, computed, or listed
      here: the security fuzz test fails on a field that is none of these, so a new
      field is a decision, not an accident.

    Everything not allowed is refused with a message naming the field and the
    button that changes it. System steps (buttons after their checks, the engine,
    the statement generation, payroll) write through ``_asm_system_write`` or
    ``sudo()``; no context key relaxes the check.

    ``_asm_guard_fields``: ``None`` (the model is ours: every field is guarded) or
    the fields guarded on a model of another module (e.g. ``loyalty.card``).
    """

    _name = "asm.guard.mixin"
    _description = "All-Staff Marketing write allow-list"

    _asm_create_allow = {}
    _asm_write_allow = {}
    _asm_system_fields = ()
    _asm_guard_fields = None

    # ------------------------------------------------------------------ table

    @api.model
    def _asm_get_create_allow(self):
        """``{group xml id: set of fields}`` a user may give on create. Extend."""
        return {group: set(names) for group, names in self._asm_create_allow.items()}

    @api.model
    def _asm_get_write_allow(self):
        """``{state: {group xml id: set of fields}}`` a user may write. Extend."""
        return {
            state: {group: set(names) for group, names in by_group.items()}
            for state, by_group in self._asm_write_allow.items()
        }

    @api.model
    def _asm_get_system_fields(self):
        """Stored fields only the system writes (see the class docstring). Extend."""
        return set(self._asm_system_fields)

    def _asm_guard_state(self):
        """The state that selects the write allow-list of this record."""
        self.ensure_one()
        if "state" in self._fields:
            return self.sudo().state
        return ANY_STATE

    @api.model
    def _asm_user_fields(self, by_group):
        """Union of the fields of the groups the current user belongs to."""
        user = self.env.user
        allowed = set()
        for group, names in by_group.items():
            if user.has_group(group):
                allowed |= names
        return allowed

    @api.model
    def _asm_guarded(self, names):
        """The fields among ``names`` this mixin guards."""
        if self._asm_guard_fields is None:
            return set(names)
        return set(names).intersection(self._asm_guard_fields)

    # ------------------------------------------------------------------ checks

    @api.model
    def _asm_is_default_value(self, fname, value):
        """Whether ``value`` is what a new record gets anyway for ``fname``."""
        field = self._fields.get(fname)
        if field is None or field.compute or field.related:
            return False
        # the field's own default, never ``default_*`` keys of the client's context
        default = field.default(self) if field.default else False
        try:
            return field.convert_to_cache(value, self) == field.convert_to_cache(
                default, self
            )
        except (ValueError, TypeError):
            return False

    @api.model
    def _asm_check_create(self, vals_list):
        if self.env.su:
            return
        # the rights come first: a user without create access is refused as such
        self.browse().check_access("create")
        allowed = self._asm_user_fields(self._asm_get_create_allow())
        for vals in vals_list:
            refused = {
                fname
                for fname in self._asm_guarded(vals) - allowed
                if not self._asm_is_default_value(fname, vals[fname])
            }
            if refused:
                self._asm_raise_refused(refused, creating=True)

    def _asm_check_write(self, vals):
        if self.env.su or not vals:
            return
        names = self._asm_guarded(vals)
        if not names:
            return
        # the rights come first: a user without write access is refused as such
        self.check_access("write")
        table = self._asm_get_write_allow()
        any_state = self._asm_user_fields(table.get(ANY_STATE, {}))
        by_state = {}
        for record in self:
            state = record._asm_guard_state()
            if state not in by_state:
                by_state[state] = any_state | self._asm_user_fields(
                    table.get(state, {})
                )
            refused = names - by_state[state]
            if refused:
                record._asm_raise_refused(refused, state=state)

    @api.model
    def _asm_get_guard_hint(self):
        """What changes the refused fields, for the message. Override."""
        return self.env._(
            "these fields change only through its buttons and the system steps "
            "(commission engine, statement generation, payroll), never by editing"
        )

    def _asm_raise_refused(self, refused, creating=False, state=None):
        labels = self.fields_get(sorted(refused), attributes=["string"])
        field_names = ", ".join(
            f"{labels[fname]['string']} ({fname})" for fname in sorted(refused)
        )
        hint = self._asm_get_guard_hint()
        if creating:
            message = self.env._(
                "You cannot set %(fields)s when creating a %(model)s: %(hint)s.",
                fields=field_names,
                model=self._description,
                hint=hint,
            )
        else:
            state_label = state
            if state != ANY_STATE and "state" in self._fields:
                selection = dict(self._fields["state"]._description_selection(self.env))
                state_label = selection.get(state, state)
            message = self.env._(
                "You cannot change %(fields)s of %(record)s%(state)s: %(hint)s.",
                fields=field_names,
                record=self.sudo().display_name,
                state=""
                if state == ANY_STATE
                else self.env._(" (status: %(state)s)", state=state_label),
                hint=hint,
            )
        raise UserError(message)

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        self._asm_check_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._asm_check_write(vals)
        return super().write(vals)

    def _asm_filter_own(self):
        """These records whose employee is the current user (system read)."""
        return self.filtered(
            lambda record: record.sudo().employee_id.user_id == self.env.user
        )

    def _asm_system_write(self, vals):
        """The one path of system steps: the caller has checked the rights."""
        return self.sudo().write(vals)
