import asyncio
import time

import pytest
from aiohttp import web

from linkscout.crawler import CrawlConfig, Crawler, HostThrottle

PAGES = {
    "/": '<html><title>Home</title><a href="/a">a</a><a href="/b">b</a>'
         '<a href="https://elsewhere.com/">x</a></html>',
    "/a": '<html><title>A</title><a href="/c">c</a></html>',
    "/b": '<html><title>B</title><a href="/">home</a></html>',
    "/c": '<html><title>C</title></html>',
}


@pytest.fixture
async def site(aiohttp_server):
    async def handler(request):
        body = PAGES.get(request.path)
        if body is None:
            return web.Response(status=404)
        return web.Response(text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    return await aiohttp_server(app)


@pytest.mark.asyncio
async def test_crawl_same_domain(site):
    seed = str(site.make_url("/"))
    crawler = Crawler(seed, CrawlConfig(max_depth=2, delay_per_host=0, respect_robots=False))
    results = await crawler.run()
    titles = {r.title for r in results}
    assert titles == {"Home", "A", "B", "C"}
    assert all("elsewhere" not in r.url for r in results)


@pytest.mark.asyncio
async def test_max_depth(site):
    seed = str(site.make_url("/"))
    results = await Crawler(seed, CrawlConfig(max_depth=1, delay_per_host=0, respect_robots=False)).run()
    assert {r.title for r in results} == {"Home", "A", "B"}


@pytest.mark.asyncio
async def test_throttle_spaces_requests():
    t = HostThrottle(0.1)
    start = time.monotonic()
    await asyncio.gather(*(t.wait("h") for _ in range(3)))
    assert time.monotonic() - start >= 0.2
