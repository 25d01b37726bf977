# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast

from odoo import fields, models

from .asm_performance import PERFORMANCE_METRICS


class GamificationGoalDefinition(models.Model):
    """Goal definitions computed from this addon's figures (``asm.performance``)."""

    _inherit = "gamification.goal.definition"

    asm_metric = fields.Selection(
        PERFORMANCE_METRICS,
        string="All-Staff Marketing Figure",
        readonly=True,
        help="Set on the goal definitions that rank an All-Staff Marketing figure.",
    )
    asm_company_id = fields.Many2one(
        "res.company",
        string="Counted Company",
        readonly=True,
        help="Only this company's figures count; empty: every company.",
    )

    def _asm_for_company(self, company):
        """This definition restricted to one company's figures (created once).

        The copy is a system record derived from a shipped definition (only the
        company filter is added): created as superuser, since core validates a
        definition's model through ir.model, which only administrators read.
        """
        self.ensure_one()
        if self.asm_company_id == company:
            return self
        shipped = self.sudo()
        existing = shipped.search(
            [("asm_metric", "=", self.asm_metric), ("asm_company_id", "=", company.id)],
            limit=1,
        )
        if existing:
            return existing.sudo(False)
        domain = ast.literal_eval(self.domain or "[]")
        domain.append(("company_id", "=", company.id))
        definition = shipped.copy(
            {
                "name": f"{self.name} ({company.name})",
                "domain": repr(domain),
                "asm_company_id": company.id,
                "asm_metric": self.asm_metric,
            }
        )
        return definition.sudo(False)
