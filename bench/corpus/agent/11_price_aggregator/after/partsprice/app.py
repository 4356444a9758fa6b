from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Query

from partsprice.aggregator import PriceAggregator, total_usd

aggregator = PriceAggregator()


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await aggregator.aclose()


app = FastAPI(title="partsprice", lifespan=lifespan)


@app.get("/health")
async def health():
    return {"ok": True}


@app.get("/price/{part_number}")
async def price(part_number: str, qty: int = Query(1, ge=1, le=100_000)):
    result = await aggregator.lookup(part_number.strip().upper(), qty)
    if result.best is None:
        if result.failed and not result.offers:
            raise HTTPException(503, detail={"message": "suppliers unavailable", "failed": result.failed})
        raise HTTPException(404, detail=f"no supplier has {qty} x {part_number} in stock")
    return {
        "part_number": result.part_number,
        "quantity": qty,
        "best": {
            **result.best.model_dump(mode="json"),
            "total_usd": str(total_usd(result.best, qty)),
        },
        "offers": [o.model_dump(mode="json") for o in result.offers],
        "unavailable": result.failed,
        "elapsed_ms": result.elapsed_ms,
    }
