from shiptrack.models import Shipment, ShipmentStatus


def test_default_status_is_unknown():
    s = Shipment(tracking_number="PH123", carrier="parcelhub")
    assert s.status is ShipmentStatus.UNKNOWN
    assert s.events == []
