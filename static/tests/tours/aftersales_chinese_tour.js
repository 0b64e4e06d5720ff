import { registry } from "@web/core/registry";

// A reviewer who works in Simplified Chinese opens a submitted claim: the statusbar, the buttons,
// the labels and the lines read in the handbook's words.
registry.category("web_tour.tours").add("aftersales_chinese_claim_tour", {
    steps: () => [
        {
            content: "The claims list in Chinese, the tour claim in it",
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("TOUR-ZH-CLM")',
            run: "click",
        },
        {
            content: "The statusbar: submitted",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("已提交")',
        },
        {
            content: "Approve, partially approve, send back, reject",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_approve"]:contains("批准")',
        },
        {
            trigger: '.o_form_view .o_statusbar_buttons button:contains("退回")',
        },
        {
            content: "The machine is the handbook's 主机, the dealer 经销商",
            trigger: '.o_form_view label:contains("序列号"), .o_form_view .o_form_label:contains("序列号")',
        },
        {
            trigger: '.o_form_view .o_form_label:contains("经销商")',
        },
        {
            content: "The lines tab and a part line typed 配件",
            trigger: '.o_form_view .o_notebook .nav-link:contains("索赔项目")',
        },
        {
            trigger: '.o_form_view .o_field_one2many .o_data_row td[name="line_type"]:contains("配件")',
        },
    ],
});

// A dealer who reads Traditional Chinese looks at the claims on a phone.
registry.category("web_tour.tours").add("aftersales_chinese_portal_tour", {
    steps: () => [
        {
            content: "The claims list headed in Traditional Chinese",
            trigger: 'table th:contains("索賠單號")',
        },
        {
            content: "The tour claim with its status badge 已提交",
            trigger: 'table tr:contains("TOUR-ZH-CLM") .badge:contains("已提交")',
        },
        {
            content: "No English status left",
            trigger: 'table:not(:has(.badge:contains("Submitted")))',
        },
    ],
});
