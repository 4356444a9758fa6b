from fastapi import FastAPI

app = FastAPI(title="partsprice")


@app.get("/health")
async def health():
    return {"ok": True}
