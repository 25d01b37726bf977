# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models

from .asm_performance import PERFORMANCE_METRICS
from .asm_ranking import competition_ranks


class GamificationChallenge(models.Model):
    """Rankings of All-Staff Marketing figures: top 3 badges by competition rank."""

    _inherit = "gamification.challenge"

    asm_metric = fields.Selection(
        PERFORMANCE_METRICS, string="Ranked Figure", readonly=True
    )
    asm_company_id = fields.Many2one("res.company", string="Company", readonly=True)
    asm_department_id = fields.Many2one(
        "hr.department", string="Department", readonly=True
    )

    def _check_challenge_reward(self, force=False):
        """Our rankings reward ties alike; other challenges keep core's rule."""
        ours = self.filtered("asm_metric")
        super(GamificationChallenge, self - ours)._check_challenge_reward(force=force)
        if not force:
            yesterday = fields.Date.subtract(fields.Date.today(), days=1)
            ours = ours.filtered(lambda challenge: challenge.end_date == yesterday)
        ours._asm_reward_top()
        return True

    def _asm_reward_top(self):
        """Final goal values, then the 1st/2nd/3rd badges by competition rank.

        Ties share a rank (30, 30, 5 → 1, 1, 3): both firsts get the first badge,
        nobody the second, the 5 the third. A user with nothing (0 or less) gets
        no badge. Granting twice gives nothing more.
        """
        goals = self.env["gamification.goal"].search([("challenge_id", "in", self.ids)])
        goals.update_goal()
        granted = {
            (badge_user.challenge_id.id, badge_user.user_id.id, badge_user.badge_id.id)
            for badge_user in self.env["gamification.badge.user"].search(
                [("challenge_id", "in", self.ids)]
            )
        }
        values = defaultdict(lambda: defaultdict(float))
        for goal in goals:
            values[goal.challenge_id][goal.user_id] += goal.current
        for challenge in self:
            badges = {
                1: challenge.reward_first_id,
                2: challenge.reward_second_id,
                3: challenge.reward_third_id,
            }
            scores = values[challenge]
            ranks = competition_ranks(scores)
            lines = []
            for user, rank in sorted(
                ranks.items(), key=lambda item: (item[1], item[0].name, item[0].id)
            ):
                badge = badges.get(rank)
                if not badge or scores[user] <= 0:
                    continue
                if (challenge.id, user.id, badge.id) not in granted:
                    # badges of rankings are granted by the system, not by the user
                    # closing the challenge (they cannot be sent by hand)
                    challenge.sudo()._reward_user(user, badge)
                lines.append(
                    self.env._(
                        "%(rank)s. %(user)s: %(badge)s",
                        rank=rank,
                        user=user.name,
                        badge=badge.name,
                    )
                )
            body = self.env._(
                "Ranking closed: %(challenge)s.", challenge=challenge.name
            )
            if lines:
                body = Markup("<br/>").join([body, *lines])
            challenge.message_post(body=body)
