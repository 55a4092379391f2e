from . import controllers
from . import models
from . import wizards


def uninstall_hook(env):
    """The Urssaf reconciliation models go with the addon: left behind, each
    would propose any entry of the same amount on the payout journal."""
    env["account.reconcile.model"].with_context(active_test=False).search(
        [("l10n_fr_urssaf_payouts", "=", True)]
    ).unlink()
