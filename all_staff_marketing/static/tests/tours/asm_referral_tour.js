/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A participant registers a customer in the tiny My Referrals form, submits it with
// the form's button and sees it listed.
// Stable selectors only (menu xml ids, field names): the tour also runs in zh_CN.
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const CUSTOMER = "Tour Customer Ltd";

registry.category("web_tour.tours").add("asm_referral_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open All-Staff Marketing",
            trigger: ".o_app[data-menu-xmlid='all_staff_marketing.menu_root']",
            run: "click",
        },
        {
            content: "Open the Referrals menu",
            trigger: ".o_main_navbar [data-menu-xmlid='all_staff_marketing.menu_referral']",
            run: "click",
        },
        {
            content: "Open My Referrals",
            trigger: ".dropdown-item[data-menu-xmlid='all_staff_marketing.asm_referral_menu_my']",
            run: "click",
        },
        {
            content: "New referral",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Customer",
            trigger: ".o_field_widget[name=partner_name] input",
            run: `edit ${CUSTOMER}`,
        },
        {
            content: "Contact person",
            trigger: ".o_field_widget[name=contact_name] input",
            run: "edit Wang Wei",
        },
        {
            content: "Phone",
            trigger: ".o_field_widget[name=phone] input",
            run: "edit +86 21 5555 0101",
        },
        {
            content: "Hand-off mode",
            trigger: ".o_field_widget[name=referral_mode] select",
            run: 'select "handoff"',
        },
        {
            // Participants may create referrals but not edit them afterwards: the
            // form's own button saves the new record and goes back to My Referrals.
            content: "Submit referral",
            trigger: ".o_form_view button[name=action_asm_submit_referral]",
            run: "click",
        },
        {
            content: "Confirmation",
            trigger: `.o_notification:contains('${CUSTOMER}')`,
        },
        {
            content: "The new referral is listed, with its referrer",
            trigger: `.o_list_view .o_data_row:has(.o_data_cell[name=partner_name]:contains('${CUSTOMER}')) .o_data_cell[name=referrer_id] img`,
        },
    ],
});
