-- A copied database must never reach Urssaf with the original's credentials.
UPDATE res_company
   SET l10n_fr_urssaf_environment = 'simulation',
       l10n_fr_urssaf_client_secret = NULL,
       l10n_fr_urssaf_token = NULL,
       l10n_fr_urssaf_token_expiry = NULL;
