/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A salesperson sees the referrer and the grade on the CRM kanban card, then drags the
// card to the Won column. Stable selectors only: runs in zh_CN too.
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const CARD = ".o_kanban_record:contains('Tour Opportunity')";

registry.category("web_tour.tours").add("asm_pipeline_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open CRM",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The card shows the referrer",
            trigger: `.o_kanban_view ${CARD} .o_field_widget[name=referrer_id] img`,
        },
        {
            content: "The card shows grade B (info badge)",
            trigger: `.o_kanban_view ${CARD} .o_field_widget[name=asm_grade_id] .badge.text-bg-info`,
        },
        {
            // The Won stage is the last column of the default pipeline (the test's
            // database has no other stages); its title is translated, so the column
            // is found by position, not by label.
            content: "Drag the card to Won",
            trigger: `.o_kanban_view ${CARD}`,
            run: "drag_and_drop .o_kanban_view .o_kanban_group:last",
        },
        {
            content: "The card is in the Won column",
            trigger: `.o_kanban_view .o_kanban_group:last ${CARD}`,
        },
    ],
});
