import {registry} from "@web/core/registry";

const badge = (label) =>
    `.o_form_sheet .o_field_widget[name='l10n_fr_urssaf_state'] .badge:contains(${label})`;
const button = (name) => `.o_form_statusbar button[name='${name}']`;

registry.category("web_tour.tours").add("l10n_fr_urssaf_payment_request", {
    steps: () => [
        {
            content: "The invoice is to send to Urssaf",
            trigger: badge("To send"),
        },
        {
            content: "Send the invoice to Urssaf",
            trigger: button("action_l10n_fr_urssaf_send"),
            run: "click",
        },
        {
            content: "The wizard says the invoice can be sent",
            trigger: ".modal .alert-info:contains(1 invoice will be sent)",
        },
        {
            content: "The invoice is listed with nothing blocking it",
            trigger: ".modal .o_field_widget[name='line_ids'] .o_data_row:not(.text-muted)",
        },
        {
            content: "Send",
            trigger: ".modal footer button[name='action_send']",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The invoice is sent",
            trigger: badge("Sent"),
        },
        {
            content: "The customer validates (local simulation)",
            trigger: button("action_l10n_fr_urssaf_simulate_validate"),
            run: "click",
        },
        {
            content: "The invoice is validated",
            trigger: badge("Validated"),
        },
        {
            content: "Urssaf pays (local simulation)",
            trigger: button("action_l10n_fr_urssaf_simulate_pay"),
            run: "click",
        },
        {
            content: "The invoice is paid by Urssaf",
            trigger: badge("Paid"),
        },
        {
            content: "The payout is booked on the invoice",
            trigger:
                ".o_form_sheet .ribbon:contains(In Payment), .o_form_sheet .ribbon:contains(Paid)",
        },
        {
            content: "The payments widget shows the payout",
            trigger:
                ".o_field_widget[name='invoice_payments_widget'] .o_payment_label:contains(Paid on)",
        },
    ],
});
