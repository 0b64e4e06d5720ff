import { registry } from "@web/core/registry";

// A machine's form shows after-sales figures, not stock's (no quantity on hand, value or cost)
// and one repair button; Stock Aging reads as a dashboard: titled, no save or discard icons,
// even after the scope changes.
registry.category("web_tour.tours").add("aftersales_screens_tour", {
    steps: () => [
        {
            content: "The machine's form is open",
            trigger: '.o_form_view .o_field_widget[name="dealer_id"]',
            run() {
                // the smart buttons that do not fit are under "More"
                document.querySelector(".o_form_view .o_button_more")?.click();
            },
        },
        {
            content: "The machine's after-sales repair button is there",
            trigger: 'button[name="action_view_repairs"]:contains("Repairs")',
        },
        {
            content: "Stock's repair button, on hand quantity, value and cost are not",
            trigger: 'body:has(button[name="action_view_repairs"]):not(:has(button[name="action_lot_open_repairs"])):not(:has(.o_field_widget[name="product_qty"])):not(:has(.o_field_widget[name="total_value"])):not(:has(.o_field_widget[name="avg_cost"])):not(:has(.o_field_widget[name="standard_price"]))',
        },
        {
            content: "Open Stock Aging",
            trigger: ".o_main_navbar",
            run: "goToUrl /odoo/action-aftersales.aftersales_stock_aging_overview_action",
        },
        {
            content: "The dashboard is titled, not a 'New' record",
            trigger: '.o_control_panel .o_last_breadcrumb_item:contains("Stock Aging")',
        },
        {
            content: "Its gauge is drawn",
            trigger: '.o_form_view .o_field_widget[name="share_quantity"] canvas',
        },
        {
            content: "Narrow the scope: slow beyond 3 months",
            trigger: '.o_form_view .o_field_widget[name="slow_months"] input',
            run: "edit 3",
        },
        {
            trigger: '.o_form_view .o_field_widget[name="dead_months"] input',
            run: "click",
        },
        {
            content: "Still no save or discard icons",
            trigger: '.o_action_manager:has(.o_form_view .o_field_widget[name="slow_months"] input:value("3")):not(:has(.o_form_status_indicator)):not(:has(.o_form_button_save))',
        },
        {
            content: "Open the analysis of that scope",
            trigger: '.o_form_view button[name="action_open_analysis"]',
            run: "click",
        },
        {
            trigger: ".o_pivot_view .o_pivot",
        },
    ],
});
