from . import l10n_fr_urssaf_send
