from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from linkscout.crawler import CrawlConfig, Crawler


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="linkscout", description="Crawl a site and report pages.")
    p.add_argument("seed", help="start URL")
    p.add_argument("-o", "--output", default="-", help="JSONL output file (default stdout)")
    p.add_argument("-d", "--max-depth", type=int, default=2)
    p.add_argument("-n", "--max-pages", type=int, default=500)
    p.add_argument("-c", "--concurrency", type=int, default=5)
    p.add_argument("--delay", type=float, default=1.0, help="seconds between hits to one host")
    p.add_argument("--ignore-robots", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    config = CrawlConfig(
        max_depth=args.max_depth,
        max_pages=args.max_pages,
        concurrency=args.concurrency,
        delay_per_host=args.delay,
        respect_robots=not args.ignore_robots,
    )
    try:
        results = asyncio.run(Crawler(args.seed, config).run())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    try:
        for r in sorted(results, key=lambda r: (r.depth, r.url)):
            out.write(json.dumps(r.to_dict()) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()

    errors = sum(1 for r in results if r.error or (r.status or 0) >= 400)
    print(f"crawled {len(results)} pages, {errors} errors", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
