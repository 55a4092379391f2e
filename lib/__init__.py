# Pure-Python access to the Urssaf "API Tiers de Prestation".
# Nothing in this package imports odoo: it is tested with pytest alone and
# imported by the addon's models through relative imports.
