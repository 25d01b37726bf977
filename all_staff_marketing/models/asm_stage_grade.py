# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AsmStageGrade(models.Model):
    """Which CRM stage gives which grade, per company."""

    _name = "asm.stage.grade"
    _description = "CRM Stage Grade"
    _order = "company_id, stage_sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    stage_id = fields.Many2one(
        "crm.stage", string="CRM Stage", required=True, ondelete="cascade"
    )
    stage_sequence = fields.Integer(related="stage_id.sequence", store=True)
    grade_id = fields.Many2one(
        "asm.lead.grade",
        string="Grade",
        required=True,
        ondelete="cascade",
        domain="[('company_id', '=', company_id)]",
    )
    points = fields.Integer(related="grade_id.points")

    @api.constrains("company_id", "stage_id", "grade_id")
    def _check_stage_grade(self):
        groups = self._read_group(
            [
                ("company_id", "in", self.company_id.ids),
                ("stage_id", "in", self.stage_id.ids),
            ],
            ["company_id", "stage_id"],
            ["__count"],
        )
        counts = {(company.id, stage.id): count for company, stage, count in groups}
        for mapping in self:
            if counts.get((mapping.company_id.id, mapping.stage_id.id), 0) > 1:
                raise ValidationError(
                    self.env._(
                        "The CRM stage %(stage)s is already mapped to a grade in "
                        "%(company)s; edit that mapping instead of adding another.",
                        stage=mapping.stage_id.name,
                        company=mapping.company_id.name,
                    )
                )
            if mapping.grade_id.company_id != mapping.company_id:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s: grade %(grade)s belongs to "
                        "%(grade_company)s; choose a grade of %(company)s.",
                        stage=mapping.stage_id.name,
                        grade=mapping.grade_id.display_name,
                        grade_company=mapping.grade_id.company_id.name,
                        company=mapping.company_id.name,
                    )
                )

    @api.model
    def _get_stage_grades(self, companies, stages):
        """{(company id, stage id): grade} for these companies and stages, one query."""
        mappings = self.search_fetch(
            [("company_id", "in", companies.ids), ("stage_id", "in", stages.ids)],
            ["company_id", "stage_id", "grade_id"],
        )
        return {(m.company_id.id, m.stage_id.id): m.grade_id for m in mappings}

    @api.model_create_multi
    def create(self, vals_list):
        mappings = super().create(vals_list)
        mappings._regrade_leads()
        return mappings

    def write(self, vals):
        old = self._get_affected_leads_domain_parts()
        res = super().write(vals)
        self._regrade_leads(extra=old)
        return res

    def unlink(self):
        parts = self._get_affected_leads_domain_parts()
        res = super().unlink()
        self.env["asm.stage.grade"]._regrade_leads(extra=parts)
        return res

    def _get_affected_leads_domain_parts(self):
        return {(m.company_id.id, m.stage_id.id) for m in self}

    def _regrade_leads(self, extra=frozenset()):
        """Regrade the leads of the touched stages; their points follow."""
        parts = self._get_affected_leads_domain_parts() | set(extra)
        if not parts:
            return
        companies = {company for company, __ in parts}
        stages = {stage for __, stage in parts}
        # sudo: a mapping change regrades every lead of those stages, whoever sees them
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "in", list(companies)),
                    ("stage_id", "in", list(stages)),
                ]
            )
        )
        leads = leads.filtered(
            lambda lead: (lead.company_id.id, lead.stage_id.id) in parts
        )
        if leads:
            self.env.add_to_compute(leads._fields["asm_grade_id"], leads)
            leads._asm_sync_points()
