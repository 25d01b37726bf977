# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class GamificationGoal(models.Model):
    _inherit = "gamification.goal"

    def update_goal(self):
        """Compute the goals of our figures for whoever may write them.

        Core computes a goal by reading its definition's model metadata (ir.model,
        administrators only), so it only works for administrators and the cron.
        The goals of our shipped definitions count company-wide figures anyway:
        once the user is checked to be allowed to write these goals, they are
        computed as superuser.
        """
        if self.env.su:
            return super().update_goal()
        ours = self.filtered(lambda goal: goal.definition_id.asm_metric)
        if ours:
            ours.check_access("write")
            super(GamificationGoal, ours.sudo()).update_goal()
        return super(GamificationGoal, self - ours).update_goal()
