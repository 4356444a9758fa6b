"""HTML helpers: link extraction and URL normalisation."""
from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlparse, urlunparse

from bs4 import BeautifulSoup

SKIP_SCHEMES = {"mailto", "javascript", "tel", "data"}


def normalize_url(url: str) -> str:
    url, _ = urldefrag(url)
    parts = urlparse(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or "/"
    return urlunparse((scheme, netloc, path, "", parts.query, ""))


def extract_links(base_url: str, html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    links: list[str] = []
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href:
            continue
        scheme = urlparse(href).scheme
        if scheme in SKIP_SCHEMES:
            continue
        absolute = normalize_url(urljoin(base_url, href))
        if absolute not in seen:
            seen.add(absolute)
            links.append(absolute)
    return links


def extract_title(html: str) -> str | None:
    soup = BeautifulSoup(html, "html.parser")
    if soup.title and soup.title.string:
        return soup.title.string.strip()
    return None
