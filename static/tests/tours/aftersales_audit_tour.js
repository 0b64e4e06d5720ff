import { registry } from "@web/core/registry";
import { onScreen } from "./aftersales_portal_phone_tour";

// Run on a phone-size screen (390 px): a dealer opens its service audits from the portal home
// and answers the open corrective action of its done audit.
registry.category("web_tour.tours").add("aftersales_audit_tour", {
    url: "/my",
    steps: () => [
        onScreen(
            "The portal home counts the open action and the self-audit to fill in",
            '.o_portal_index_card:has(a[href="/my/audits"]) [data-placeholder_count="aftersales_audit_counter"]:contains("2")'
        ),
        {
            content: "Open the service audits",
            trigger: '.o_portal_index_card a[href="/my/audits"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The action to answer", '.o_aftersales_audit_open_action:contains("Put up the kanban board")'),
        {
            content: "Open the action's audit",
            trigger: '.o_aftersales_audit_open_action a',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The audit's checklist and score", ".o_aftersales_audit_line_score"),
        {
            content: "Write what was done",
            trigger: '.o_aftersales_audit_action textarea[name="answer"]',
            run: "edit Board up with the staff photos and names",
        },
        {
            content: "Send the answer",
            trigger: ".o_aftersales_audit_action .o_aftersales_audit_answer",
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("Answered", ".o_aftersales_success"),
        onScreen("The answer is on the page", '.o_aftersales_audit_action_answer:contains("Board up")'),
    ],
});
