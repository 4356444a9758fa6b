from fastapi import FastAPI

from profiles_api.routers import profiles
from profiles_api.settings import get_settings

settings = get_settings()

app = FastAPI(title="Profiles API", version="0.1.0")
app.include_router(profiles.router)


@app.get("/health")
def health() -> dict:
    return {"status": "ok", "env": settings.environment}
