import {registry} from "@web/core/registry";

const badge = (label) =>
    `.o_form_sheet .o_field_widget[name='l10n_fr_urssaf_state'] .badge:contains(${label})`;
const button = (name) => `.o_form_statusbar button[name='${name}']`;

registry.category("web_tour.tours").add("l10n_fr_urssaf_double_payment", {
    steps: () => [
        {
            content: "Urssaf holds the invoice",
            trigger: badge("Sent"),
        },
        {
            content: "Register a payment by hand",
            trigger: button("action_register_payment"),
            run: "click",
        },
        {
            content: "The dialog warns that the customer would pay twice",
            trigger:
                ".modal .alert-danger:contains(Collected by Urssaf with the avance immédiate):contains(pay twice)",
        },
        {
            content: "Create the payment without confirming",
            trigger: ".modal footer button[name='action_create_payments']:visible",
            run: "click",
        },
        {
            content: "Refused: the confirmation is asked for",
            trigger:
                ".o_error_dialog:contains(Record the payment anyway)",
        },
        {
            content: "Close the message",
            trigger: ".o_error_dialog footer .btn-primary",
            run: "click",
        },
        {
            content: "Confirm that the customer really paid, knowing they pay twice",
            trigger:
                ".modal .o_field_widget[name='l10n_fr_urssaf_confirmed'] input",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger:
                ".modal .o_field_widget[name='l10n_fr_urssaf_confirmed'] input:checked",
        },
        {
            content: "Create the payment",
            trigger: ".modal footer button[name='action_create_payments']:visible",
            run: "click",
        },
        {
            content: "The payment is recorded",
            trigger:
                "body:not(:has(.modal)) .o_form_sheet .ribbon:contains(In Payment), body:not(:has(.modal)) .o_form_sheet .ribbon:contains(Paid)",
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_urssaf_without_avance_immediate", {
    steps: () => [
        {
            content: "The invoice is to send to Urssaf",
            trigger: badge("To send"),
        },
        {
            content: "The customer pays this one directly",
            trigger: button("action_l10n_fr_urssaf_exclude"),
            run: "click",
        },
        {
            content: "The invoice is without avance immédiate",
            trigger: badge("Without avance immédiate"),
        },
        {
            content: "It can no longer be sent, and can go back",
            trigger:
                ".o_form_statusbar:not(:has(button[name='action_l10n_fr_urssaf_send'])) button[name='action_l10n_fr_urssaf_include']",
            run: "click",
        },
        {
            content: "The invoice is to send again",
            trigger: `.o_form_view:has(${badge("To send")}) ${button(
                "action_l10n_fr_urssaf_send"
            )}`,
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_urssaf_refused", {
    steps: () => [
        {
            content: "The invoice is refused",
            trigger: badge("Refused by the customer"),
        },
        {
            content: "A banner says why, and what to do",
            trigger:
                ".o_form_view .alert-warning:contains(The customer refused payment request):contains(customer's comment: 3 heures, pas 4):contains(Next step)",
        },
        {
            content: "Open the payment request",
            trigger: ".o_form_view button[name='action_l10n_fr_urssaf_requests']",
            run: "click",
        },
        {
            content: "The status bar shows the refusal path only",
            trigger: ".o_form_view .o_statusbar_status:has(button[data-value='refused'])",
            run() {
                // The status bar lists its buttons in reverse (see its CSS).
                const shown = [...this.anchor.querySelectorAll("button[data-value]")]
                    .map((step) => step.dataset.value)
                    .reverse()
                    .join(",");
                if (shown !== "sent,waiting,refused") {
                    throw new Error(`Status bar shows ${shown}`);
                }
            },
        },
        {
            content: "Back to the invoice",
            trigger: ".o_form_view .o_field_widget[name='move_id'] a",
            run: "click",
        },
        {
            content: "Cancel the refused invoice",
            trigger: button("action_l10n_fr_urssaf_cancel"),
            run: "click",
        },
        {
            content: "Nothing is to be asked of Urssaf",
            trigger:
                ".modal .o_field_widget[name='outcome']:contains(Refused by the customer):contains(cancelled here only):not(:contains(e-mail))",
        },
        {
            content: "The comment is for the invoice, not for Urssaf",
            trigger:
                ".modal:not(:contains(What to tell Urssaf)) .o_field_widget[name='comment'] textarea[placeholder*='Why the invoice is cancelled']",
        },
        {
            content: "No debit-back warning: Urssaf paid nothing",
            trigger: ".modal:not(:has(.alert-warning))",
        },
        {
            content: "Cancel the invoice",
            trigger: ".modal footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The invoice is cancelled and the banner gone",
            trigger: `body:not(:has(.modal)) .o_form_view:not(:has(.alert-warning:contains(Next step))) ${badge(
                "Cancelled"
            )}`,
        },
    ],
});
