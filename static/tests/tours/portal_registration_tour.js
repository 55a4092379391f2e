import {registry} from "@web/core/registry";

const input = (name) => `.o_l10n_fr_urssaf_registration_form [name='${name}']`;
const feedback = (name, text) => `[data-field='${name}']:contains(${text})`;

// The customer, in French, on the page the provider's e-mail links to.
registry.category("web_tour.tours").add("l10n_fr_urssaf_portal_registration", {
    steps: () => [
        {
            content: "The page of the avance immédiate, in French",
            trigger: "h1:contains(Avance immédiate de crédit d'impôt)",
        },
        {
            content: "Civility",
            trigger: "#o_l10n_fr_urssaf_civility_2",
            run: "click",
        },
        {
            content: "Birth name as on the tax notice",
            trigger: input("birth_name"),
            run: "edit Durand",
        },
        {
            content: "All first names",
            trigger: input("first_names"),
            run: "edit Jeanne Marie",
        },
        {
            content: "Birth date",
            trigger: input("birth_date"),
            run() {
                this.anchor.value = "1980-03-29";
            },
        },
        {
            content: "Birth commune: a few letters",
            trigger: input("birth_commune"),
            run: "edit Renn",
        },
        {
            content: "The communes found are offered",
            trigger: "#o_l10n_fr_urssaf_communes option[value='Rennes 35000']:not(:visible)",
        },
        {
            content: "Rennes chosen",
            trigger: input("birth_commune"),
            run: "edit Rennes 35000",
        },
        {
            content: "The address split, as the provider had it",
            trigger: `${input("road_name")}:value(du Soleil)`,
        },
        {
            content: "Mobile phone",
            trigger: input("mobile"),
            run: "edit 06 12 34 56 78",
        },
        {
            content: "An IBAN with a typing mistake",
            trigger: input("iban"),
            run: "edit FR76 3000 4000 0312 3456 7890 144",
        },
        {
            content: "BIC",
            trigger: input("bic"),
            run: "edit BNPAFRPP",
        },
        {
            content: "Sent without the consent",
            trigger: ".o_l10n_fr_urssaf_registration_form button[type='submit']",
            run: "click",
        },
        {
            content: "Urssaf's rule on the IBAN, in French, next to it",
            trigger: feedback("iban", "la clé de contrôle ne correspond pas"),
        },
        {
            content: "The consent is asked for",
            trigger: feedback("consent", "Cochez la case"),
        },
        {
            content: "What was typed is still there",
            trigger: `${input("first_names")}:value(Jeanne Marie)`,
        },
        {
            content: "The IBAN corrected",
            trigger: input("iban"),
            run: "edit FR76 3000 4000 0312 3456 7890 143",
        },
        {
            content: "The consent given",
            trigger: "#o_l10n_fr_urssaf_consent",
            run: "click",
        },
        {
            content: "Sent",
            trigger: ".o_l10n_fr_urssaf_registration_form button[type='submit']",
            run: "click",
        },
        {
            content: "Received: the provider registers the customer",
            trigger: ".o_l10n_fr_urssaf_status:contains(vos informations ont été reçues)",
        },
        {
            content: "What was recorded, to check: the birth commune found",
            trigger: ".o_l10n_fr_urssaf_recap dd:contains(35238)",
        },
    ],
});

// The provider, in French, registers the customer in one click.
registry.category("web_tour.tours").add("l10n_fr_urssaf_portal_register", {
    steps: () => [
        {
            content: "The customer's to-do",
            trigger: ".o_form_view .o-mail-Activity:contains(formulaire d'inscription)",
        },
        {
            content: "Open the Avance immédiate tab",
            trigger: "a.nav-link:contains(Avance immédiate)",
            run: "click",
        },
        {
            content: "The consent, with its date and IP address",
            trigger: ".o_field_widget[name='l10n_fr_urssaf_consent_id']:contains(127.0.0.1)",
        },
        {
            content: "Register with Urssaf",
            trigger: "button[name='action_l10n_fr_urssaf_register']",
            run: "click",
        },
        {
            content: "The badge says the account awaits activation",
            trigger: ".o_form_sheet .badge:contains(En attente d'activation)",
        },
    ],
});
