import {registry} from "@web/core/registry";

const exchanges = ".o_form_view .oe_stat_button[name='action_l10n_fr_urssaf_exchanges']";
// Rows of the journal's list, not of the request's status history.
const row = (operation) =>
    `.o_list_view .o_data_row:has(td[name='outcome']):contains(${operation})`;

registry.category("web_tour.tours").add("l10n_fr_urssaf_journal", {
    steps: () => [
        {
            content: "The request tells how many exchanges with Urssaf concern it",
            trigger: `${exchanges}:contains(2)`,
            run: "click",
        },
        {
            content: "The search that followed the sending is listed",
            trigger: row("M070"),
        },
        {
            content: "Open the sending",
            trigger: `${row("M050")} td[name='operation']`,
            run: "click",
        },
        {
            content: "Urssaf's answer is shown",
            trigger: ".o_form_view .o_field_widget[name='outcome']:contains(Succeeded)",
        },
        {
            content: "What was sent names the invoice, without the customer's identity",
            trigger:
                ".o_form_view .o_field_widget[name='request_text']:contains(numFactureTiers):contains(***)",
        },
        {
            content: "The request it is about is linked",
            trigger: ".o_form_view .o_field_widget[name='payment_request_ids'] .badge",
        },
    ],
});
