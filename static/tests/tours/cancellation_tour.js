import {registry} from "@web/core/registry";

const badge = (label) =>
    `.o_form_sheet .o_field_widget[name='l10n_fr_urssaf_state'] .badge:contains(${label})`;
const button = (name) => `.o_form_statusbar button[name='${name}']`;

registry.category("web_tour.tours").add("l10n_fr_urssaf_cancellation", {
    steps: () => {
        // Read from the dialog, then looked for in the e-mail to Urssaf.
        let urssafId = null;
        return [
            {
                content: "Urssaf paid the invoice",
                trigger: badge("Paid"),
            },
            {
                content: "Request the cancellation",
                trigger: button("action_l10n_fr_urssaf_cancel"),
                run: "click",
            },
            {
                content: "The dialog warns that Urssaf will debit its payout back",
                trigger: ".modal .alert-warning:contains(Urssaf already paid you):contains(debits that amount back)",
            },
            {
                content: "The dialog tells what will happen, with the request Urssaf holds",
                trigger:
                    ".modal .o_field_widget[name='outcome']:contains(Urssaf holds payment request):not(:contains(debits))",
                run() {
                    const found = this.anchor.textContent.match(
                        /Urssaf holds payment request (\S+) \(/
                    );
                    if (!found) {
                        throw new Error(
                            `No payment request id in: ${this.anchor.textContent}`
                        );
                    }
                    urssafId = found[1];
                },
            },
            {
                content: "The reason is a duplicate",
                trigger:
                    ".modal .o_field_widget[name='reason'] input[data-value='ANNUL_DBL']",
                run: "click",
            },
            {
                content: "The duplicate reason is chosen",
                trigger:
                    ".modal .o_field_widget[name='reason'] input[data-value='ANNUL_DBL']:checked",
            },
            {
                content: "Cancel the invoice",
                trigger: ".modal footer button[name='action_confirm']",
                run: "click",
            },
            {
                content: "The e-mail to Urssaf opens, to its cancellation address",
                trigger:
                    ".modal .o_mail_composer_form .o_field_widget[name='partner_ids'] .o_tag:contains(avance-immediate)",
            },
            {
                content: "The e-mail names the payment request",
                trigger:
                    ".modal .o_mail_composer_form .o_field_widget[name='subject'] input",
                run() {
                    const subject = this.anchor.value;
                    if (!subject.includes(`payment request ${urssafId}`)) {
                        throw new Error(
                            `The subject "${subject}" does not name request ${urssafId}`
                        );
                    }
                },
            },
            {
                content: "Send the e-mail to Urssaf",
                trigger: ".modal:has(.o_mail_composer_form) footer button.o_mail_send",
                run: "click",
            },
            {
                content: "The composer is closed",
                trigger: "body:not(:has(.modal))",
            },
            {
                content: "The cancellation is requested from Urssaf",
                trigger: badge("Cancellation requested"),
            },
            {
                content: "The invoice is reversed by its credit note",
                trigger: ".o_form_sheet .ribbon:contains(Reversed)",
            },
            {
                content: "Urssaf cancels (local simulation)",
                trigger: button("action_l10n_fr_urssaf_simulate_cancel"),
                run: "click",
            },
            {
                content: "The invoice is cancelled at Urssaf",
                trigger: badge("Cancelled"),
            },
            {
                content: "Re-issue the invoice",
                trigger: button("action_l10n_fr_urssaf_reissue"),
                run: "click",
            },
            {
                content: "A new draft invoice opens, replacing the cancelled one",
                trigger:
                    ".o_form_view:has(.o_statusbar_status .o_arrow_button_current[data-value='draft']) .o_field_widget[name='l10n_fr_urssaf_reissue_of_id']",
            },
        ];
    },
});
