import { registry } from "@web/core/registry";

// Run on a phone-size screen: a dealer settled per order confirms the month's statement.
registry.category("web_tour.tours").add("aftersales_portal_statement_tour", {
    url: "/my/statements",
    steps: () => [
        {
            content: "Open the month's statement",
            trigger: 'a:contains("TOUR-STATEMENT")',
            run: "click",
        },
        {
            content: "The orders of the month show what is paid and what is due",
            trigger: '#statement_orders tr:contains("TOUR-ORDER-2"):contains("600.00")',
        },
        {
            content: "Confirm the statement",
            trigger: "#statement_confirm",
            run: "click",
        },
        {
            content: "Confirmed: the month's invoice is left to pay",
            trigger: '.alert-info:contains("the statement is confirmed")',
        },
        {
            trigger: '#statement_orders:contains("left to pay")',
        },
    ],
});
