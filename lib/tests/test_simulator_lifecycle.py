"""Customer and payment-request lifecycles: clock, actions, control endpoints."""

from datetime import datetime, timezone

import pytest

from lib.simulator import RealClock, Settings, Simulator, SimulatorError, UnknownId
from lib.simulator.testing import LocalClient, particulier
from lib.tests.helpers import ACTIVATION, TRANSMITTED_AT, payment_item


def submit(api, customer, number="F1", **overrides):
    (result,) = api.submit([payment_item(customer, number, **overrides)]).get_json()
    return result["idDemandePaiement"]


def status(sim, id_dp):
    return sim.payment_request(id_dp)["status"]


def searched(api, id_dp):
    (info,) = api.search({"idDemandePaiements": [id_dp]}).get_json()[
        "infoDemandePaiements"
    ]
    return info


# -- clock-driven progression ---------------------------------------------------------


def test_each_automatic_step_happens_at_its_delay(api, sim, customer):
    id_dp = submit(api, customer)
    steps = [
        (59, "10"),
        (1, "20"),
        (2 * 86400 - 1, "20"),
        (1, "30"),
        (2 * 86400 - 1, "30"),
        (1, "50"),
        (2 * 86400 - 1, "50"),
        (1, "70"),
    ]
    for seconds, expected in steps:
        sim.advance(seconds=seconds)
        assert status(sim, id_dp) == expected


def test_transfer_date_first_then_amount(api, sim, customer):
    deposit = {"mntAcompte": 10, "dateVersementAcompte": "2024-03-02T00:00:00Z"}
    id_dp = submit(api, customer, **deposit)
    sim.advance(days=4, minutes=1)
    info = searched(api, id_dp)
    assert info["statut"] == {"code": "50", "libelle": "Prélevée"}
    assert info["infoVirement"] == {"dateVirement": "2024-04-04T00:00:00Z"}
    sim.advance(days=2)
    info = searched(api, id_dp)
    assert info["statut"]["code"] == "70"
    assert info["infoVirement"] == {
        "dateVirement": "2024-04-04T00:00:00Z",
        "mntVirement": 40.0,  # TTC 50 - deposit 10
    }


def test_history_keeps_due_times_after_a_big_jump(api, sim, customer):
    id_dp = submit(api, customer)
    sim.advance(days=30)
    assert sim.payment_request(id_dp)["history"] == [
        {"status": "10", "at": "2024-03-29T12:00:00Z"},
        {"status": "20", "at": "2024-03-29T12:01:00Z"},
        {"status": "30", "at": "2024-03-31T12:01:00Z"},
        {"status": "50", "at": "2024-04-02T12:01:00Z"},
        {"status": "70", "at": "2024-04-04T12:01:00Z"},
    ]


def test_disabled_delay_stops_progression(api, sim, customer):
    sim.settings.delay_auto_validation = None
    id_dp = submit(api, customer)
    sim.advance(days=30)
    assert status(sim, id_dp) == "20"
    sim.validate(id_dp)
    sim.advance(days=30)
    assert status(sim, id_dp) == "70"


def test_real_clock_with_offset_and_fast_settings():
    sim = Simulator(clock=RealClock(), settings=Settings.fast())
    api = LocalClient(sim)
    sim.set_time(ACTIVATION)
    id_client = api.register(particulier()).get_json()["idClient"]
    sim.advance(seconds=5)
    assert api.status(id_client).get_json()["statut"]["code"] == "APPAREILLAGE_VALIDE"
    sim.set_time(TRANSMITTED_AT)
    id_dp = submit(api, id_client)
    sim.advance(seconds=2 + 20 + 10 + 10)
    assert status(sim, id_dp) == "70"
    assert sim.clock_info()["mode"] == "real"
    sim.close()


def test_link_auto_activation_and_expiry(sim, api):
    sim.settings.delay_activation = 3600
    id_client = api.register(particulier()).get_json()["idClient"]
    sim.advance(seconds=3599)
    assert api.status(id_client).get_json()["statut"]["code"] == "APPAREILLAGE_EC"
    sim.advance(seconds=1)
    statut = api.status(id_client).get_json()["statut"]
    assert statut["code"] == "APPAREILLAGE_VALIDE"
    assert "01/03/2024 09:00:00" in statut["description"]
    # an activation slower than the link lifetime never happens
    sim.settings.delay_activation = 8 * 86400
    late = api.register(particulier(1)).get_json()["idClient"]
    sim.advance(days=7)
    assert api.status(late).get_json()["statut"]["code"] == "APPAREILLAGE_NF"


# -- customer actions --------------------------------------------------------------


def test_activation_of_an_expired_link_and_per_provider(sim, api):
    id_client = api.register(particulier()).get_json()["idClient"]
    other = LocalClient(sim, client_id="other-provider")
    other.register(particulier())
    sim.expire_activation(id_client, provider="test")
    sim.activate(id_client, provider="other-provider")
    links = {
        link["provider"]: link["status"] for link in sim.customer(id_client)["links"]
    }
    assert links == {"test": "APPAREILLAGE_NF", "other-provider": "APPAREILLAGE_VALIDE"}
    sim.activate(id_client)  # NF links can be activated too (link re-sent)
    assert api.status(id_client).get_json()["statut"]["etat"] == "OK"
    with pytest.raises(SimulatorError):
        sim.activate(id_client)
    with pytest.raises(UnknownId):
        sim.activate("nobody")
    with pytest.raises(UnknownId):
        sim.activate(id_client, provider="stranger")


@pytest.mark.parametrize(
    ("action", "undo", "code"),
    [
        ("block_customer", "unblock_customer", "PARTICULIER_BLOQUE"),
        ("expire_mandate", "renew_mandate", "MANDAT_ECHU"),
    ],
)
def test_account_flags_override_the_link_status(api, sim, customer, action, undo, code):
    getattr(sim, action)(customer)
    statut = api.status(customer).get_json()["statut"]
    assert (statut["code"], statut["etat"]) == (code, "KO")
    getattr(sim, undo)(customer)
    assert api.status(customer).get_json()["statut"]["code"] == "APPAREILLAGE_VALIDE"


# -- payment-request actions -----------------------------------------------------------


def test_validate_before_the_48_hours(api, sim, customer):
    id_dp = submit(api, customer)
    sim.validate(id_dp)  # from 10: passes through 20
    history = [h["status"] for h in sim.payment_request(id_dp)["history"]]
    assert history == ["10", "20", "30"]
    with pytest.raises(SimulatorError):
        sim.validate(id_dp)


def test_refuse_with_reason(api, sim, customer):
    id_dp = submit(api, customer)
    sim.advance(minutes=1)
    sim.refuse(id_dp, "REGUL_NB_QTE_FACT", "3 heures, pas 4")
    info = searched(api, id_dp)
    assert info["statut"] == {"code": "40", "libelle": "Refusée"}
    assert info["infoRejet"] == {
        "code": "REGUL_NB_QTE_FACT",
        "commentaire": "3 heures, pas 4",
    }
    sim.advance(days=30)
    assert status(sim, id_dp) == "40"
    with pytest.raises(SimulatorError):
        sim.cancel(id_dp)


@pytest.mark.parametrize("code", ["ANNUL_DBL", "PREST_ABS", "NOPE"])
def test_refuse_needs_a_refusal_reason(api, sim, customer, code):
    with pytest.raises(ValueError):
        sim.refuse(submit(api, customer), code)


def test_bounce_blocks_the_customer_then_unpaid_outcomes(api, sim, customer):
    ids = [submit(api, customer, f"F{i}") for i in range(4)]
    sim.advance(days=2, minutes=1)  # all validated (30)
    for id_dp in ids[:3]:
        sim.bounce(id_dp)
    assert [h["status"] for h in sim.payment_request(ids[0])["history"]][-2:] == [
        "50",
        "60",
    ]
    assert api.status(customer).get_json()["statut"]["code"] == "PARTICULIER_BLOQUE"
    (result,) = api.submit([payment_item(customer, "F9")]).get_json()
    assert result["errors"][0]["code"] == "ERR_CMPT_BLOQUE"
    for id_dp, outcome in zip(ids[:3], ("111", "112", "120"), strict=True):
        sim.close_unpaid(id_dp, outcome)
        assert searched(api, id_dp)["statut"]["code"] == outcome
    with pytest.raises(SimulatorError):
        sim.close_unpaid(ids[3])  # not unpaid
    with pytest.raises(ValueError):
        sim.close_unpaid(ids[0], "70")
    sim.settings.block_on_bounce = False
    sim.unblock_customer(customer)
    sim.bounce(ids[3])
    assert api.status(customer).get_json()["statut"]["code"] == "APPAREILLAGE_VALIDE"


def test_pay_shortcut_and_amount(api, sim, customer):
    first, second = submit(api, customer, "F1"), submit(api, customer, "F2")
    sim.pay(first)
    assert [h["status"] for h in sim.payment_request(first)["history"]] == [
        "10",
        "20",
        "30",
        "50",
        "70",
    ]
    assert searched(api, first)["infoVirement"] == {
        "dateVirement": "2024-03-29T00:00:00Z",
        "mntVirement": 50.0,
    }
    sim.pay(second, amount="12.5")
    assert searched(api, second)["infoVirement"]["mntVirement"] == 12.5
    with pytest.raises(SimulatorError):
        sim.pay(second)


def test_cancel_paid_request(api, sim, customer):
    id_dp = submit(api, customer)
    sim.pay(id_dp)
    sim.cancel(id_dp, "ANNUL_ERR_MNT", "montant erroné")
    info = searched(api, id_dp)
    assert info["statut"] == {"code": "110", "libelle": "Annulée"}
    assert info["infoRejet"] == {
        "code": "ANNUL_ERR_MNT",
        "commentaire": "montant erroné",
    }
    assert info["infoVirement"]["mntVirement"] == 50.0  # the transfer stays known
    with pytest.raises(ValueError):
        sim.cancel(submit(api, customer, "F2"), "CONTEST_AUTRE")


def test_unknown_payment_request(sim):
    with pytest.raises(UnknownId):
        sim.validate("42")
    with pytest.raises(UnknownId):
        sim.payment_request("42")


# -- HTTP control endpoints ------------------------------------------------------------


def test_control_clock(http, sim):
    assert http.get("/simulator/clock").get_json() == {
        "now": ACTIVATION,
        "mode": "manual",
    }
    moved = http.post("/simulator/clock/advance", json={"days": 1, "hours": 2})
    assert moved.get_json()["now"] == "2024-03-02T10:00:00Z"
    switched = http.post(
        "/simulator/clock/set", json={"now": "2030-01-01T00:00:00Z", "mode": "real"}
    )
    assert switched.get_json()["mode"] == "real"
    assert sim.now() >= datetime(2030, 1, 1, tzinfo=timezone.utc)
    bad = http.post("/simulator/clock/advance", json={"weeks": 1})
    assert bad.status_code == 400 and "error" in bad.get_json()


def test_control_settings(http, sim):
    assert http.get("/simulator/settings").get_json()["token_lifetime"] == 3600
    patched = http.patch("/simulator/settings", json={"delay_debit": 5})
    assert patched.get_json()["delay_debit"] == 5 and sim.settings.delay_debit == 5
    assert http.patch("/simulator/settings", json={"nope": 1}).status_code == 400
    for wrong in (
        {"delay_debit": "soon"},
        {"token_lifetime": None},
        {"scheme_start": "x"},
    ):
        assert http.patch("/simulator/settings", json=wrong).status_code == 400
    assert sim.settings.token_lifetime == 3600
    assert http.patch("/simulator/settings", data="[1]").status_code == 400


def test_control_customer_and_payment_request_actions(http, api, sim, customer):
    assert [c["id_client"] for c in http.get("/simulator/customers").get_json()] == [
        customer
    ]
    detail = http.get(f"/simulator/customers/{customer}").get_json()
    assert detail["links"][0]["status"] == "APPAREILLAGE_VALIDE"
    assert http.get("/simulator/customers/nobody").status_code == 404
    assert http.post(f"/simulator/customers/{customer}/fly").status_code == 404
    response = http.post(f"/simulator/customers/{customer}/block")
    assert response.get_json()["blocked"] is True
    http.post(f"/simulator/customers/{customer}/unblock")

    id_dp = submit(api, customer)
    listed = http.get("/simulator/payment-requests?provider=test").get_json()
    assert [dp["id"] for dp in listed] == [id_dp]
    assert http.get("/simulator/payment-requests?provider=x").get_json() == []
    refused = http.post(
        f"/simulator/payment-requests/{id_dp}/refuse",
        json={"code": "CONTEST_FACT_REGLEE", "commentaire": "déjà payé"},
    )
    assert refused.status_code == 200
    assert refused.get_json()["status"] == "40"
    again = http.post(f"/simulator/payment-requests/{id_dp}/validate")
    assert again.status_code == 409
    bad = http.post(f"/simulator/payment-requests/{id_dp}/cancel", json={"x": 1})
    assert bad.status_code == 400
    assert http.post("/simulator/payment-requests/42/pay").status_code == 404
    detail = http.get(f"/simulator/payment-requests/{id_dp}").get_json()
    assert detail["infoRejet"]["code"] == "CONTEST_FACT_REGLEE"


def test_control_providers_token_and_reset(http, api, sim, customer):
    response = http.put(
        "/simulator/providers/acme",
        json={"secret": "s", "deposits_allowed": False, "blocked_intervenants": ["X"]},
    )
    assert response.get_json()["secret"] == "***"
    providers = http.get("/simulator/providers").get_json()
    assert providers["acme"]["blocked_intervenants"] == ["X"]
    assert http.put("/simulator/providers/acme", json={"bad": 1}).status_code == 400
    token = http.post("/simulator/token", json={"client_id": "acme"}).get_json()
    assert sim.authenticate(token["access_token"]) == "acme"
    assert http.post("/simulator/reset").get_json() == {"reset": True}
    assert sim.customers() == []
    assert sim.authenticate(token["access_token"]) is None
