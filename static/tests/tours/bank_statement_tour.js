import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const line = "VIR SEPA URSSAF 4242";

registry.category("web_tour.tours").add("l10n_fr_urssaf_bank_statement", {
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Reconcile the payout journal's statement lines",
            trigger: ".o_kanban_record:contains(Urssaf Payouts Bank) button:contains(Reconcile)",
            run: "click",
        },
        {
            content: "Open Urssaf's transfer",
            trigger: `.o_kanban_record:contains(${line})`,
            run: "click",
        },
        {
            content: "The Urssaf model proposes the payout of that transfer",
            trigger: ".o_reconcile_widget_line.other:contains(Urssaf avance immédiate)",
        },
        {
            content: "Reconcile",
            trigger: "button[name=reconcile_bank_line]:not(.disabled)",
            run: "click",
        },
        {
            content: "The line is reconciled: it leaves the lines to reconcile",
            trigger: `.o_kanban_view:not(:has(.o_kanban_record:contains(${line})))`,
        },
    ],
});
