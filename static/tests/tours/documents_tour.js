import {registry} from "@web/core/registry";

const totals = ".o_form_sheet .oe_subtotal_footer";
const dialogList = ".modal .o_field_widget[name='line_ids']";

/** Fails when the cell's text is cut (ellipsis) rather than shown whole. */
function checkWhole() {
    for (const el of [this.anchor, ...this.anchor.querySelectorAll("*")]) {
        if (el.clientWidth && el.scrollWidth > el.clientWidth + 1) {
            throw new Error(`Cut: "${this.anchor.textContent.trim()}"`);
        }
    }
}

const namesWhole = [
    {
        content: "The invoice number, whole",
        trigger: `${dialogList} .o_data_row td[name='move_id']:contains(/)`,
        run: checkWhole,
    },
    {
        content: "The customer's name, whole",
        trigger: `${dialogList} .o_data_row td[name='partner_id']:contains(Lauraguais)`,
        run: checkWhole,
    },
];

const openDialog = [
    {
        content: "Send the invoice to Urssaf",
        trigger: ".o_form_statusbar button[name='action_l10n_fr_urssaf_send']",
        run: "click",
    },
    {
        content: "The send dialog lists the invoice",
        trigger: `${dialogList} .o_data_row`,
    },
];

registry.category("web_tour.tours").add("l10n_fr_urssaf_documents", {
    steps: () => [
        {
            content: "Under the total: the tax credit Urssaf advances",
            trigger: `${totals} .o_field_widget[name='l10n_fr_urssaf_tax_credit']:contains(66.00)`,
        },
        {
            content: "and the customer's share",
            trigger: `${totals} .o_field_widget[name='l10n_fr_urssaf_customer_share']:contains(66.00)`,
        },
        ...openDialog,
        {
            content: "Nothing is blocked: no 'why' column",
            trigger: `${dialogList} thead:not(:has(th[data-name='problems']))`,
        },
        {
            content: "The tax credit of the invoice",
            trigger: `${dialogList} .o_data_row td[name='tax_credit']:contains(66.00)`,
        },
        {
            content: "The customer's share of the invoice",
            trigger: `${dialogList} .o_data_row td[name='customer_share']:contains(66.00)`,
        },
        ...namesWhole,
        {
            content: "The totals of what is sent",
            trigger: ".modal .o_field_widget[name='tax_credit']:contains(66.00)",
        },
        {
            content: "and the customers' share",
            trigger: ".modal .o_field_widget[name='customer_share']:contains(66.00)",
        },
        {
            content: "Close the dialog",
            trigger: ".modal footer button[special='cancel']",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_urssaf_documents_blocked", {
    steps: () => [
        ...openDialog,
        {
            content: "Blocked: the 'why' column says why",
            trigger: `${dialogList} .o_data_row td[name='problems']:contains(SAP number)`,
        },
        ...namesWhole,
        {
            content: "Close the dialog",
            trigger: ".modal footer button[special='cancel']",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
