# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Avance immédiate Urssaf (API Tiers de Prestation)",
    "summary": "Services à la personne: send invoices to the Urssaf avance immédiate "
    "de crédit d'impôt and follow them to payout",
    "version": "18.0.1.2.0",
    "category": "French Localization",
    "license": "AGPL-3",
    "author": "l10n_fr_urssaf_avance_immediate contributors",
    "development_status": "Alpha",
    "depends": ["account", "l10n_fr_account", "l10n_fr_cog", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/l10n_fr_urssaf_security.xml",
        "data/ir_cron.xml",
        "data/l10n_fr_urssaf_commune_data.xml",
        "data/mail_data.xml",
        "wizards/l10n_fr_urssaf_send_views.xml",
        "wizards/l10n_fr_urssaf_cancel_views.xml",
        "wizards/l10n_fr_urssaf_link_views.xml",
        "wizards/account_payment_register_views.xml",
        "wizards/l10n_fr_urssaf_simulate_activation_views.xml",
        "views/l10n_fr_urssaf_exchange_views.xml",
        "wizards/l10n_fr_urssaf_test_book_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/l10n_fr_urssaf_payment_request_views.xml",
        "views/account_move_views.xml",
        "views/report_invoice.xml",
        "views/report_test_book.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/product_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "l10n_fr_urssaf_avance_immediate/static/src/scss/*.scss",
        ],
        "web.assets_tests": [
            "l10n_fr_urssaf_avance_immediate/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
