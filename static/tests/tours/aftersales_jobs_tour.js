import { registry } from "@web/core/registry";

// The accountant's background draw ended with one dealer failed: the job shows it with the
// reason, and Retry Failed queues it again.
registry.category("web_tour.tours").add("aftersales_jobs_tour", {
    steps: () => [
        {
            content: "Open After-Sales > Background Jobs",
            trigger: ".o_main_navbar",
            run: "goToUrl /odoo/action-aftersales.aftersales_job_action",
        },
        {
            content: "The draw is listed, done with failures, at 100 %",
            trigger: '.o_list_view .o_data_row:has(.o_field_widget[name="state"]:contains("Done with Failures")):has(.o_progressbar)',
        },
        {
            content: "Open it",
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("Statements")',
            run: "click",
        },
        {
            content: "Its figures: 4 records, 3 done, 1 failed",
            trigger: '.o_form_view .o_field_widget[name="failed_count"]:contains("1")',
        },
        {
            content: "The failed dealer is named with the reason",
            trigger: '.o_form_view .o_field_widget[name="failure_ids"] .o_data_row:contains("Dealer C"):contains("overlaps statement")',
        },
        {
            content: "Retry the failed dealer",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_retry_failed"]',
            run: "click",
        },
        {
            content: "The job runs again",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Running")',
        },
    ],
});
