// Drives the frontend-server-state example against the test's HTTP server (API_BASE), which
// answers GET /orders/1 with an order, GET /orders/2 with 404 and every PATCH with 409.
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import { MutationObserver, QueryClient } from "@tanstack/react-query";
import type { paths } from "./schema";
import { orderQuery, renameOrder } from "./example";

async function main(): Promise<void> {
  const api = createClient<paths>({ baseUrl: process.env.API_BASE });
  const client = new QueryClient();

  const order = await client.fetchQuery(orderQuery(api, 1));
  assert.equal(order.name, "first");
  await assert.rejects(client.fetchQuery(orderQuery(api, 2)), "a 404 must fail the query, not cache undefined");

  const rename = new MutationObserver(client, renameOrder(api, client, 1));
  await assert.rejects(rename.mutate("second"), "a 409 must fail the mutation");
  assert.equal(client.getQueryData<typeof order>(["order", 1])?.name, "first", "the optimistic rename was rolled back");
  console.log("ok");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
