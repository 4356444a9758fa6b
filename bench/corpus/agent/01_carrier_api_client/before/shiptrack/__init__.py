"""Shipment tracking dashboard backend."""

__version__ = "0.3.1"
