/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Issue #13, the first hour of a Chinese SME, in a real browser (tests/test_tours.py
// TestFirstHourZh): the admin switches the UI to Simplified Chinese, sets up the
// farm-produce scheme (1 % of the collected amount, late brackets 30/60/180 days ->
// 20/50/100 %), a participant submits a referral with the 提交推荐 button, and a
// salesperson finds it in the CRM pipeline with its referrer.
// Selectors are xml ids, field and button names; the Chinese text is asserted on top.
/* eslint-disable no-console */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const RULE = "农产品回款提成";
const CUSTOMER = "绿野农场合作社";
const BRACKETS = [
    ["30", "20"],
    ["60", "50"],
    ["180", "100"],
];
// ASCII words that may show on a Chinese screen: currency codes, units, the numbers
// of a pager, and "PK" (团队PK赛, the Chinese name of a team competition). Any other
// Latin word in the navbar, control panel, view or dialog is English text that a
// Chinese user should not see.
const ALLOWED = new Set(["CNY", "USD", "EUR", "RMB", "PK"]);
// Not text of the screen: scripts, the options of closed selects, and data the user
// did not type (the company switcher shows the company's name), the language code
// of the translation button of a translatable field ("ZH").
const SKIPPED = "script, style, select, option, .o_debug_manager, .o_switch_company_menu, .o_field_translate";

/** Latin words in the visible text of the screen (navbar, action, dialogs). */
export function englishOnScreen(extraAllowed = []) {
    const allowed = new Set([...ALLOWED, ...extraAllowed]);
    const roots = document.querySelectorAll(".o_main_navbar, .o_action_manager, .modal");
    const found = new Set();
    for (const root of roots) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            if (
                !parent ||
                parent.closest(SKIPPED) ||
                !parent.checkVisibility()
            ) {
                continue;
            }
            for (const word of node.textContent.match(/[A-Za-z]{2,}/g) || []) {
                if (!allowed.has(word)) {
                    found.add(`${word} (in "${node.textContent.trim().slice(0, 60)}")`);
                }
            }
        }
    }
    return [...found];
}

function noEnglish(content, extraAllowed = []) {
    return {
        content: `No English text: ${content}`,
        trigger: ".o_action_manager .o_view_controller",
        run() {
            const english = englishOnScreen(extraAllowed);
            if (english.length) {
                throw new Error(`English text on a Chinese screen (${content}): ${english.join("; ")}`);
            }
        },
    };
}

/**
 * What a user does for these steps: one click per "click", a click plus one key per
 * character per "edit", two clicks (open, choose) per "select".
 */
export function effort(steps) {
    let clicks = 0;
    let keys = 0;
    for (const step of steps) {
        if (typeof step.run !== "string") {
            continue;
        }
        const [action, ...rest] = step.run.split(" ");
        if (action === "click") {
            clicks += 1;
        } else if (action === "edit") {
            clicks += 1;
            keys += [...rest.join(" ")].length;
        } else if (action === "select") {
            clicks += 2;
        }
    }
    return {clicks, keys};
}

function withEffort(name, steps) {
    const {clicks, keys} = effort(steps);
    return [
        ...steps,
        {
            content: "Report the effort",
            trigger: "body",
            run() {
                console.log(`${name} effort: ${clicks} clicks, ${keys} keystrokes`);
            },
        },
    ];
}

const menu = (xmlid, content) => ({
    content,
    trigger: `.o_main_navbar [data-menu-xmlid='all_staff_marketing.${xmlid}']`,
    run: "click",
});
const subMenu = (xmlid, content) => ({
    content,
    trigger: `.dropdown-item[data-menu-xmlid='all_staff_marketing.${xmlid}']`,
    run: "click",
});

// 1. The admin, still in English, chooses 简体中文 in their preferences.
registry.category("web_tour.tours").add("asm_zh_switch_language_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the user menu",
            trigger: ".o_user_menu button",
            run: "click",
        },
        {
            content: "Preferences",
            trigger: "[data-menu=settings]",
            run: "click",
        },
        {
            content: "Language: Simplified Chinese",
            trigger: ".modal .o_field_widget[name=lang] select",
            run: 'select "zh_CN"',
        },
        {
            content: "Save (the page reloads in Chinese)",
            trigger: ".modal button[name=preference_save]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The apps menu is in Chinese",
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: "The addon's app reads 全员营销",
            trigger: ".o_app[data-menu-xmlid='all_staff_marketing.menu_root']:contains('全员营销')",
        },
        {
            content: "CRM reads 客户关系管理",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']:contains('客户关系管理')",
        },
    ],
});

// 2. The farm-produce scheme (DOMAIN §5 and §6), all in Chinese.
const FARM_STEPS = [
    stepUtils.showAppsMenuItem(),
    {
        content: "Open 全员营销",
        trigger: ".o_app[data-menu-xmlid='all_staff_marketing.menu_root']",
        run: "click",
    },
    menu("menu_configuration", "配置"),
    {
        content: "The configuration menu is in Chinese",
        trigger: ".dropdown-item[data-menu-xmlid='all_staff_marketing.asm_commission_rule_menu']:contains('提成规则')",
    },
    subMenu("asm_commission_rule_menu", "提成规则"),
    {
        content: "Rule list: sequence, scope and rate columns in Chinese",
        trigger: ".o_list_view thead:contains('促成方式'):contains('比例 (%)')",
    },
    noEnglish("rule list"),
    {
        content: "New (新建 or 创建: Odoo's zh_CN has both)",
        trigger: ".o_control_panel .o_list_button_add",
        run: "click",
    },
    {
        content: "The form explains that the first matching rule wins",
        trigger: ".o_form_view .alert[name=precedence]:contains('第一条匹配的规则生效')",
    },
    {
        content: "Empty filters read 全部",
        trigger: ".o_form_view .o_field_widget[name=role] select:has(option:contains('全部'))",
    },
    {
        content: "Rule name",
        trigger: ".o_form_view .o_field_widget[name=name] input",
        run: `edit ${RULE}`,
    },
    {
        content: "The base is the collected amount (the default)",
        trigger: ".o_form_view .o_field_widget[name=base] select",
        run() {
            const label = this.anchor.selectedOptions[0].textContent;
            if (!label.includes("回款")) {
                throw new Error(`base shows "${label}", not the collected amount`);
            }
        },
    },
    {
        content: "Rate 1 %",
        trigger: ".o_form_view .o_field_widget[name=rate] input",
        run: "edit 1",
    },
    {
        content: "The rate label is Chinese",
        trigger: ".o_form_view .o_form_label:contains('比例 (%)')",
    },
    noEnglish("rule form"),
    {
        content: "Save",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    },
    {
        content: "Saved: the breadcrumb shows the rule",
        trigger: `.o_breadcrumb .active:contains('${RULE}')`,
    },
    noEnglish("saved rule form"),
    menu("menu_configuration", "配置"),
    subMenu("asm_late_bracket_menu", "逾期扣减"),
    {
        content: "No bracket yet; the columns are in Chinese",
        trigger: ".o_list_view:not(:has(.o_data_row)) thead:contains('逾期超过（天）'):contains('扣减比例 (%)')",
    },
    noEnglish("late-payment deductions"),
    // While a row is edited the list shows Save instead of New: one row at a time.
    ...BRACKETS.flatMap(([days, pct], index) => [
        {
            content: `New bracket ${index + 1}`,
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: `More than ${days} days`,
            trigger: ".o_data_row.o_selected_row .o_field_widget[name=days_over] input",
            run: `edit ${days}`,
        },
        {
            content: `Deduction ${pct} %`,
            trigger: ".o_data_row.o_selected_row .o_field_widget[name=deduction] input",
            run: `edit ${pct}`,
        },
        {
            content: `Save bracket ${index + 1}`,
            trigger: ".o_control_panel .o_list_button_save",
            run: "click",
        },
        {
            content: `${index + 1} bracket(s) saved`,
            trigger: `.o_list_view:not(:has(.o_selected_row)) tbody .o_data_row:nth-child(${index + 1}):contains('${days}')`,
        },
    ]),
    noEnglish("saved late-payment deductions"),
];

registry.category("web_tour.tours").add("asm_zh_farm_scheme_tour", {
    url: "/odoo",
    steps: () => withEffort("asm_zh_farm_scheme_tour", FARM_STEPS),
});

// 3. A participant registers a customer and submits it with 提交推荐.
registry.category("web_tour.tours").add("asm_zh_referral_submit_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open 全员营销",
            trigger: ".o_app[data-menu-xmlid='all_staff_marketing.menu_root']",
            run: "click",
        },
        menu("menu_referral", "推荐"),
        subMenu("asm_referral_menu_my", "我的推荐"),
        {
            content: "New (新建 or 创建: Odoo's zh_CN has both)",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "The form speaks Chinese: 客户 / 公司, 联系人, 促成方式",
            trigger: ".o_form_view:contains('客户 / 公司'):contains('联系人'):contains('促成方式')",
        },
        {
            content: "The mode is filled in with the company's choice (转接促成)",
            trigger: ".o_form_view .o_field_widget[name=referral_mode] select",
            run() {
                if (this.anchor.value !== '"handoff"') {
                    throw new Error(`mode is ${this.anchor.value}, not the company's default`);
                }
            },
        },
        {
            content: "Customer",
            trigger: ".o_field_widget[name=partner_name] input",
            run: `edit ${CUSTOMER}`,
        },
        {
            content: "Contact person",
            trigger: ".o_field_widget[name=contact_name] input",
            run: "edit 李娜",
        },
        {
            content: "Phone",
            trigger: ".o_field_widget[name=phone] input",
            run: "edit +86 571 5555 0102",
        },
        {
            content: "Submit with 提交推荐",
            trigger: ".o_form_view button[name=action_asm_submit_referral]:contains('提交推荐')",
            run: "click",
        },
        {
            content: "Confirmed in Chinese",
            trigger: `.o_notification:contains('${CUSTOMER}'):contains('销售团队')`,
        },
        {
            content: "Back on 我的推荐",
            trigger: ".o_breadcrumb .active:contains('我的推荐')",
        },
        {
            content: "The new referral is listed with its referrer",
            trigger: `.o_list_view .o_data_row:has(.o_data_cell[name=partner_name]:contains('${CUSTOMER}')) .o_data_cell[name=referrer_id] img`,
        },
    ],
});

// 4. A salesperson opens the CRM pipeline: the card of the referral shows its
// referrer; the opportunity's form labels him 推荐人.
registry.category("web_tour.tours").add("asm_zh_crm_referrer_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open 客户关系管理",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']:contains('客户关系管理')",
            run: "click",
        },
        {
            content: "The pipeline opens on My Pipeline or Referrals to Pick Up",
            trigger: ".o_searchview_facet:contains('待接手的推荐')",
        },
        {
            content: "The card shows the referrer's avatar",
            trigger: `.o_kanban_view .o_kanban_record:contains('${CUSTOMER}') .o_field_widget[name=referrer_id] img`,
        },
        {
            content: "Open the card",
            trigger: `.o_kanban_view .o_kanban_record:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "Open the 推荐 tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=asm_referral]:contains('推荐')",
            run: "click",
        },
        {
            content: "The 推荐 tab has the 推荐人 field",
            trigger: ".o_form_view .o_notebook .tab-pane.active .o_form_label:contains('推荐人')",
        },
        {
            content: "The referrer is the participant, read-only for the salesperson",
            trigger: ".o_form_view .o_notebook .tab-pane.active .o_field_widget.o_readonly_modifier[name=referrer_id]:contains('王小明')",
        },
        {
            content: "The shares are read-only for the salesperson (an officer chooses them)",
            trigger: ".o_form_view .o_notebook .tab-pane.active .o_field_widget.o_readonly_modifier[name=salesperson_share]",
        },
    ],
});
