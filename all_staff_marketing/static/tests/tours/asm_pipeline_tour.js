/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A salesperson sees the referrer and the grade on the CRM kanban card, then marks the
// deal won from the card's form (the Won button: dragging to the Won column would
// need the column's translated title). Stable selectors only: runs in zh_CN too.
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
            content: "Open the opportunity",
            trigger: `.o_kanban_view ${CARD}`,
            run: "click",
        },
        {
            content: "Mark it won",
            trigger: ".o_form_view button[name=action_set_won_rainbowman]",
            run: "click",
        },
        {
            content: "The Won ribbon shows",
            trigger: ".o_form_view .o_widget_web_ribbon .ribbon",
        },
    ],
});
