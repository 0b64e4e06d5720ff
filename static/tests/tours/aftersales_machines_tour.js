import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("aftersales_machines_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the After-Sales app",
            trigger: '.o_app[data-menu-xmlid="aftersales.aftersales_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Archive menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="aftersales.aftersales_menu_archive"]',
            run: "click",
        },
        {
            content: "Open the Machines list",
            trigger: '.o-dropdown-item[data-menu-xmlid="aftersales.stock_lot_menu_machines"]',
            run: "click",
        },
        {
            content: "Search the tour machine by serial number",
            trigger: ".o_list_view .o_searchview_input",
            run: "edit TOUR-SN-0001",
        },
        {
            trigger: ".o_searchview_autocomplete .o-dropdown-item:first",
            run: "click",
        },
        {
            content: "Open the machine",
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("TOUR-SN-0001")',
            run: "click",
        },
        {
            content: "The form shows dealer, end user and warranty",
            trigger: '.o_form_view .o_field_widget[name="dealer_id"]:contains("Tour Dealer")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="end_user_id"]:contains("Tour End User")',
        },
        {
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Under warranty")',
        },
    ],
});
