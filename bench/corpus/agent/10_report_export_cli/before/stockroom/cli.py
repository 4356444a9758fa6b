import argparse

from stockroom.db import connect
from stockroom.queries import list_products, stock_on_hand


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="stockroom")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("stock", help="print stock on hand")
    args = parser.parse_args(argv)

    conn = connect()
    if args.cmd == "stock":
        on_hand = stock_on_hand(conn)
        for p in list_products(conn):
            print(f"{p['sku']:<12} {p['name']:<30} {on_hand.get(p['id'], 0):>6}")
    return 0
