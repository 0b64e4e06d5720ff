import { registry } from "@web/core/registry";
import { onScreen } from "./aftersales_portal_phone_tour";

// Run on a phone-size screen (390 px): a dealer's technician sees the dealer's training status,
// opens the training page and starts a course's test.
registry.category("web_tour.tours").add("aftersales_training_phone_tour", {
    url: "/my",
    steps: () => [
        onScreen("The dealer's training status on the portal home", '.o_aftersales_training_status .o_aftersales_training_certified_count:contains("1 / 1")'),
        {
            content: "Open the training",
            trigger: '.o_portal_index_card a[href="/my/training"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The course", '.o_aftersales_training_course h5:contains("Test generator repair")'),
        onScreen("The technician is certified for it", ".o_aftersales_training_mine"),
        onScreen("Her certification", '.o_aftersales_certification_row td:contains("Alice of A")', { whole: true }),
        onScreen("Its manual", '.o_aftersales_training_materials a:contains("Generator manual")'),
        {
            content: "Take the test",
            trigger: ".o_aftersales_training_test",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The survey's start page",
            trigger: ".o_survey_start",
        },
    ],
});
