import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function openAnalysis(menuXmlid, content) {
    return [
        {
            content: "Open the Analysis menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="aftersales.aftersales_menu_analysis"]',
            run: "click",
        },
        {
            content,
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}

// A manager reads the analyses: each opens on figures that mean something.
registry.category("web_tour.tours").add("aftersales_analysis_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("aftersales.aftersales_menu_root", "Open the After-Sales app"),
        ...openAnalysis("aftersales.aftersales_satisfaction_report_menu", "Open Customer Satisfaction"),
        {
            content: "Wait for the satisfaction analysis",
            trigger: '.o_breadcrumb .active:contains("Customer Satisfaction")',
        },
        {
            content: "Switch to the trend graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The trend is a line...",
            trigger: '.o_graph_button[data-mode="line"].active',
        },
        {
            content: "...not stacked (a 1-5 score is never drawn up to 14)",
            trigger: '.o_graph_button[aria-label="Stacked"]:not(.active)',
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
        ...openAnalysis("aftersales.aftersales_cost_report_menu", "Open Satisfaction Cost"),
        {
            content: "Satisfaction Cost opens on the last 12 months with data",
            trigger: '.o_breadcrumb .active:contains("Satisfaction Cost")',
        },
        {
            trigger: '.o_searchview_facet:contains("Last 12 Months with Data")',
        },
        {
            content: "with figures, not Odoo's sample data",
            trigger: ".o_pivot:not(.o_view_sample_data) .o_pivot_cell_value",
        },
        ...openAnalysis("aftersales.aftersales_failure_rate_report_menu", "Open Failure Rate"),
        {
            content: "Failure Rate opens on the last 12 months with data",
            trigger: '.o_breadcrumb .active:contains("Failure Rate")',
        },
        {
            trigger: '.o_searchview_facet:contains("Last 12 Months with Data")',
        },
        ...openAnalysis("aftersales.aftersales_price_check_menu", "Open the Double-Rule Check"),
        {
            content: "Wait for the check, grouped by check",
            trigger: '.o_breadcrumb .active:contains("Double-Rule Check")',
        },
        {
            content:
                "The double-rule group row adds up neither the machines' prices (1,890 + 640 + " +
                "920) nor their parts totals (3,780 + 1,280 + 1,840)",
            trigger:
                '.o_group_header:contains("Double rule"):not(:contains("3,450")):not(:contains("6,900"))',
        },
    ],
});
