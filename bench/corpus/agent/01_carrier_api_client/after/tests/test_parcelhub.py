import pytest
import requests
import responses

from shiptrack.config import Settings
from shiptrack.models import ShipmentStatus
from shiptrack.parcelhub import ParcelhubClient, ParcelhubError, ShipmentNotFound

BASE = "https://api.parcelhub.test/v2"


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setattr("shiptrack.parcelhub.time.sleep", lambda s: None)
    settings = Settings(parcelhub_base_url=BASE, parcelhub_api_key="k", cache_ttl_seconds=60)
    return ParcelhubClient(settings=settings, max_retries=2)


@responses.activate
def test_get_shipment_parses_status(client):
    responses.get(
        f"{BASE}/shipments/PH1",
        json={"tracking_number": "PH1", "status": "in_transit",
              "estimated_delivery": "2024-05-02T10:00:00Z"},
    )
    s = client.get_shipment("PH1")
    assert s.status is ShipmentStatus.IN_TRANSIT
    assert s.estimated_delivery.year == 2024


@responses.activate
def test_retries_on_502_then_succeeds(client):
    responses.get(f"{BASE}/shipments/PH2", status=502)
    responses.get(f"{BASE}/shipments/PH2", json={"tracking_number": "PH2", "status": "DELIVERED"})
    s = client.get_shipment("PH2")
    assert s.status is ShipmentStatus.DELIVERED
    assert len(responses.calls) == 2


@responses.activate
def test_gives_up_after_max_retries(client):
    for _ in range(3):
        responses.get(f"{BASE}/shipments/PH3", status=503)
    with pytest.raises(ParcelhubError):
        client.get_shipment("PH3")


@responses.activate
def test_404_raises_not_found(client):
    responses.get(f"{BASE}/shipments/NOPE", status=404)
    with pytest.raises(ShipmentNotFound):
        client.get_shipment("NOPE")


@responses.activate
def test_second_call_is_cached(client):
    responses.get(f"{BASE}/shipments/PH4", json={"tracking_number": "PH4", "status": "created"})
    client.get_shipment("PH4")
    client.get_shipment("PH4")
    assert len(responses.calls) == 1


@responses.activate
def test_events_failure_does_not_break_shipment(client):
    responses.get(f"{BASE}/shipments/PH5", json={"tracking_number": "PH5", "status": "created"})
    responses.get(f"{BASE}/shipments/PH5/events", body=requests.ConnectionError("boom"))
    s = client.get_shipment_with_events("PH5")
    assert s.events == []
