import os

ENV = os.getenv("STOREFRONT_ENV", "dev")
FLAGPOLE_URL = os.getenv("FLAGPOLE_URL", "http://flagpole.internal:8080")
FLAGPOLE_TOKEN = os.getenv("FLAGPOLE_TOKEN", "")

# Old-style toggles, to be replaced by Flagpole
USE_NEW_TAX_ENGINE = os.getenv("USE_NEW_TAX_ENGINE", "0") == "1"
ENABLE_EXPRESS_CHECKOUT = os.getenv("ENABLE_EXPRESS_CHECKOUT", "0") == "1"
