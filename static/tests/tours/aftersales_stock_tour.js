import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function openMenu(sectionXmlid, menuXmlid, content) {
    return [
        {
            content: `Open the ${content} section`,
            trigger: `.o_main_navbar button[data-menu-xmlid="${sectionXmlid}"]`,
            run: "click",
        },
        {
            content: `Open ${content}`,
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("aftersales_stock_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("aftersales.aftersales_menu_root", "Open the After-Sales app"),
        // Reserve plan: create, compute, review, apply.
        ...openMenu("aftersales.aftersales_menu_parts", "aftersales.aftersales_reserve_plan_menu", "Reserve Plans"),
        {
            content: "Create a reserve plan",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Compute it",
            trigger: '.o_form_view button[name="action_compute"]:contains("Compute")',
            run: "click",
        },
        {
            content: "The tour part gets a new rule",
            trigger: '.o_field_widget[name="line_ids"] .o_data_row:contains("TOUR-BELT") td[name="proposal"]:contains("Create rule")',
        },
        {
            content: "Apply",
            trigger: '.o_form_view button[name="action_apply"]',
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The plan is applied",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Applied")',
        },
        {
            trigger: '.o_field_widget[name="line_ids"] .o_data_row:contains("TOUR-BELT") td[name="result"]:contains("Rule created")',
        },
        // What sits in the claimed-parts room.
        ...openMenu("aftersales.aftersales_menu_parts", "aftersales.stock_quant_menu_claimed_parts", "Claimed Parts"),
        {
            content: "The claimed part and its source document",
            trigger: '.o_list_view .o_data_row:contains("TOUR-BELT"):contains("Tour claim 42")',
        },
        // Stock aging overview with its gauge, then the pivot.
        ...openMenu("aftersales.aftersales_menu_analysis", "aftersales.aftersales_stock_aging_overview_menu", "Stock Aging"),
        {
            content: "The share younger than 3 months is shown in a gauge",
            trigger: '.o_form_view .o_field_widget[name="share_quantity"] canvas',
        },
        {
            trigger: ".o_form_view .o_aftersales_stock_aging:contains(By Warehouse)",
        },
        {
            content: "Open the pivot",
            trigger: '.o_form_view button[name="action_open_analysis"]',
            run: "click",
        },
        {
            trigger: ".o_pivot_view .o_pivot",
        },
        // Purchase loop exceptions.
        ...openMenu("aftersales.aftersales_menu_analysis", "aftersales.aftersales_purchase_exception_report_menu", "Purchase Loop Exceptions"),
        {
            trigger: ".o_list_view .o_group_header:contains(Received without a purchase order)",
        },
    ],
});
