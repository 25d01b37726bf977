from odoo.exceptions import AccessError

from .common import AsmCase

GROUP = "all_staff_marketing.group_%s"


class TestInstall(AsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.participant = cls._new_user(
            "asm_part", "base.group_user," + GROUP % "participant"
        )
        cls.officer = cls._new_user("asm_off", "base.group_user," + GROUP % "officer")
        cls.manager = cls._new_user("asm_man", "base.group_user," + GROUP % "manager")
        cls.plain = cls._new_user("asm_plain", "base.group_user")

    def test_dependencies_installed(self):
        wanted = {
            "crm",
            "sale_management",
            "sale_crm",
            "hr",
            "account",
            "base_tier_validation",
            "all_staff_marketing",
        }
        mods = self.env["ir.module.module"].search([("name", "in", list(wanted))])
        self.assertEqual(
            {m.name for m in mods if m.state == "installed"},
            wanted,
        )

    def test_group_chain(self):
        part = self.env.ref(GROUP % "participant")
        off = self.env.ref(GROUP % "officer")
        man = self.env.ref(GROUP % "manager")
        self.assertEqual(off.implied_ids, part)
        self.assertEqual(man.implied_ids, off)
        self.assertIn(self.env.ref("base.group_user"), part.implied_ids)
        self.assertEqual(
            {part.category_id, off.category_id, man.category_id},
            {self.env.ref("all_staff_marketing.module_category_all_staff_marketing")},
        )
        # implication reaches users: a manager is officer and participant too
        self.assertTrue(self.manager.has_group(GROUP % "participant"))
        self.assertTrue(self.manager.has_group(GROUP % "officer"))
        self.assertFalse(self.officer.has_group(GROUP % "manager"))
        self.assertTrue(self.env.ref("base.user_admin").has_group(GROUP % "manager"))

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_menu_visibility(self):
        root = self.env.ref("all_staff_marketing.menu_root")
        conf = self.env.ref("all_staff_marketing.menu_configuration")
        self.assertNotIn(root.id, self._visible_menus(self.plain))
        self.assertIn(root.id, self._visible_menus(self.participant))
        self.assertNotIn(conf.id, self._visible_menus(self.participant))
        self.assertNotIn(conf.id, self._visible_menus(self.officer))
        self.assertIn(conf.id, self._visible_menus(self.manager))

    def test_setting_makes_every_user_participant(self):
        self.assertFalse(self.plain.has_group(GROUP % "participant"))
        settings = self.env["res.config.settings"].create(
            {"group_asm_all_participants": True}
        )
        settings.execute()
        self.assertTrue(self.plain.has_group(GROUP % "participant"))
        self.assertFalse(self.plain.has_group(GROUP % "manager"))
        settings = self.env["res.config.settings"].create(
            {"group_asm_all_participants": False}
        )
        settings.execute()
        self.assertFalse(self.plain.has_group(GROUP % "participant"))

    def test_settings_access_refused_to_participant(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.participant).create({})
