import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("l10n_fr_urssaf_test_book", {
    steps: () => [
        {
            content: "Open the Urssaf test book from the settings",
            trigger:
                "#l10n_fr_urssaf_test_book_setting button[name='action_l10n_fr_urssaf_test_book']",
            run: "click",
        },
        {
            content: "The wizard says the file is practice in local simulation",
            trigger: ".modal div[name='simulation_warning']:contains(not valid for Urssaf)",
        },
        {
            content: "M010 and M050 are in the journal, M070 is to be run",
            trigger:
                ".modal .o_l10n_fr_urssaf_test_book tr:contains(M010):contains(✓)",
        },
        {
            content: "Produce the test book",
            trigger: ".modal button[name='action_produce']",
            run: "click",
        },
        {
            content: "Produced: the four operations, ready to download",
            trigger:
                ".modal div[name='result']:contains(M010, M020, M050 and M070)",
        },
        {
            content: "The download button is offered",
            trigger: ".modal button[name='action_download']",
        },
        {
            content: "Close",
            trigger: ".modal .modal-footer button.btn-secondary",
            run: "click",
        },
        {
            content: "Back to the settings",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
