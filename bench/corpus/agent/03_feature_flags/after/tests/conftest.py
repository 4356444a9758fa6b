import os

os.environ.setdefault("FLAGPOLE_DISABLED", "1")
