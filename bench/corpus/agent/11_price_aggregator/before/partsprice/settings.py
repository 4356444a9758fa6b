import os

ACME_URL = os.getenv("ACME_URL", "https://api.acmesupply.example/v1")
ACME_API_KEY = os.getenv("ACME_API_KEY", "")

BOLTWORKS_URL = os.getenv("BOLTWORKS_URL", "https://boltworks.example/api")
BOLTWORKS_TOKEN = os.getenv("BOLTWORKS_TOKEN", "")

QUICKPARTS_URL = os.getenv("QUICKPARTS_URL", "https://quickparts.example/graphql")
QUICKPARTS_CLIENT_ID = os.getenv("QUICKPARTS_CLIENT_ID", "")
QUICKPARTS_CLIENT_SECRET = os.getenv("QUICKPARTS_CLIENT_SECRET", "")

LOOKUP_TIMEOUT = float(os.getenv("LOOKUP_TIMEOUT", "3.0"))
