"""Async same-domain crawler with a concurrency cap and per-host politeness delay."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlparse
from urllib.robotparser import RobotFileParser

import aiohttp

from linkscout.parse import extract_links, extract_title, normalize_url

logger = logging.getLogger(__name__)

USER_AGENT = "linkscout/0.1 (+https://github.com/example/linkscout)"


@dataclass
class PageResult:
    url: str
    depth: int
    status: int | None
    title: str | None = None
    content_type: str | None = None
    elapsed_ms: int = 0
    error: str | None = None
    links_found: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CrawlConfig:
    max_depth: int = 2
    max_pages: int = 500
    concurrency: int = 5
    delay_per_host: float = 1.0
    timeout: float = 15.0
    respect_robots: bool = True
    allowed_hosts: set[str] = field(default_factory=set)


class HostThrottle:
    """Makes sure consecutive requests to one host are at least `delay` apart."""

    def __init__(self, delay: float):
        self.delay = delay
        self._next_allowed: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, host: str) -> None:
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            now = time.monotonic()
            ready_at = self._next_allowed.get(host, 0.0)
            if ready_at > now:
                await asyncio.sleep(ready_at - now)
            self._next_allowed[host] = time.monotonic() + self.delay


class Crawler:
    def __init__(self, seed: str, config: CrawlConfig | None = None):
        self.seed = normalize_url(seed)
        self.config = config or CrawlConfig()
        seed_host = urlparse(self.seed).netloc
        self.allowed_hosts = self.config.allowed_hosts or {seed_host}
        self.throttle = HostThrottle(self.config.delay_per_host)
        self.semaphore = asyncio.Semaphore(self.config.concurrency)
        self.seen: set[str] = set()
        self.results: list[PageResult] = []
        self._robots: dict[str, RobotFileParser | None] = {}
        self._queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()

    def _in_scope(self, url: str) -> bool:
        parts = urlparse(url)
        return parts.scheme in ("http", "https") and parts.netloc in self.allowed_hosts

    async def _robots_for(self, session: aiohttp.ClientSession, url: str) -> RobotFileParser | None:
        parts = urlparse(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key in self._robots:
            return self._robots[key]
        rp: RobotFileParser | None = RobotFileParser()
        try:
            async with session.get(f"{key}/robots.txt") as resp:
                if resp.status == 200:
                    rp.parse((await resp.text()).splitlines())
                else:
                    rp = None  # no robots.txt -> everything allowed
        except Exception as exc:
            logger.debug("robots.txt fetch failed for %s: %s", key, exc)
            rp = None
        self._robots[key] = rp
        return rp

    async def _allowed(self, session: aiohttp.ClientSession, url: str) -> bool:
        if not self.config.respect_robots:
            return True
        rp = await self._robots_for(session, url)
        return rp is None or rp.can_fetch(USER_AGENT, url)

    async def _fetch(self, session: aiohttp.ClientSession, url: str, depth: int) -> PageResult:
        host = urlparse(url).netloc
        async with self.semaphore:
            await self.throttle.wait(host)
            started = time.monotonic()
            try:
                async with session.get(url, allow_redirects=True) as resp:
                    ctype = resp.headers.get("Content-Type", "")
                    result = PageResult(url=url, depth=depth, status=resp.status, content_type=ctype)
                    if resp.status == 200 and "html" in ctype:
                        html = await resp.text(errors="replace")
                        result.title = extract_title(html)
                        links = extract_links(str(resp.url), html)
                        result.links_found = len(links)
                        if depth < self.config.max_depth:
                            for link in links:
                                self._enqueue(link, depth + 1)
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                result = PageResult(url=url, depth=depth, status=None, error=repr(exc))
            result.elapsed_ms = int((time.monotonic() - started) * 1000)
            return result

    def _enqueue(self, url: str, depth: int) -> None:
        if url in self.seen or not self._in_scope(url):
            return
        if len(self.seen) >= self.config.max_pages:
            return
        self.seen.add(url)
        self._queue.put_nowait((url, depth))

    async def _worker(self, session: aiohttp.ClientSession) -> None:
        while True:
            url, depth = await self._queue.get()
            try:
                if await self._allowed(session, url):
                    result = await self._fetch(session, url, depth)
                    self.results.append(result)
                    logger.info("%s %s (depth %d)", result.status, url, depth)
                else:
                    logger.info("robots.txt disallows %s", url)
            except Exception:
                logger.exception("unexpected error crawling %s", url)
            finally:
                self._queue.task_done()

    async def run(self) -> list[PageResult]:
        timeout = aiohttp.ClientTimeout(total=self.config.timeout)
        headers = {"User-Agent": USER_AGENT}
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            self._enqueue(self.seed, 0)
            workers = [
                asyncio.create_task(self._worker(session))
                for _ in range(self.config.concurrency)
            ]
            await self._queue.join()
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return self.results


async def crawl(seed: str, **kwargs) -> list[PageResult]:
    return await Crawler(seed, CrawlConfig(**kwargs)).run()
