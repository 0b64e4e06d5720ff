import { registry } from "@web/core/registry";
import { onScreen } from "./aftersales_portal_phone_tour";

// Run on a phone-size screen (390 px): a dealer opens the knowledge base from the portal home,
// searches the articles of its generator, reads the one about not starting, then reads the
// policy among the service documents released for dealers.
registry.category("web_tour.tours").add("aftersales_knowledge_portal_tour", {
    url: "/my",
    steps: () => [
        onScreen("The portal home offers the knowledge base", '.o_portal_index_card a[href="/my/knowledge"]'),
        {
            content: "Open the knowledge base",
            trigger: '.o_portal_index_card a[href="/my/knowledge"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "On a phone the search is behind the filters' button",
            trigger: ".o_portal_navbar .navbar-toggler",
            run: "click",
        },
        {
            content: "Search the generator's articles",
            trigger: '.o_portal_search_panel input[name="search"]',
            run: "edit Test Generator",
        },
        {
            content: "Search",
            trigger: '.o_portal_search_panel button[type="submit"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The seized-engine article is listed", '.o_aftersales_knowledge_row a:contains("Test generator engine seized")'),
        {
            content: "Open the article about not starting",
            trigger: '.o_aftersales_knowledge_row a:contains("Test generator does not start")',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("Its released text", '.o_aftersales_knowledge_text:contains("Open the test fuel tap.")'),
        onScreen("Its product", '.o_aftersales_knowledge_products:contains("Test Generator")'),
        {
            content: "Open the service documents",
            trigger: ".o_aftersales_knowledge_article",
            run() {
                window.location.href = "/my/documents";
            },
            expectUnloadPage: true,
        },
        {
            content: "Open the policy",
            trigger: '.o_aftersales_document_row a:contains("Test Policy")',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The released policy", '.o_aftersales_document_text:contains("Mission.")'),
    ],
});
