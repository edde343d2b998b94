/**
 * GET /api/deals?customer=: one customer's deals, checked against the whole
 * list filtered by hand, on a real server over the demo ecosystem.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Deal } from '../../schemas/model.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, itStore } from '../../test/stores.js';

describeStore('GET /api/deals?customer=', () => {
  let server: TestServer;
  const get = async (path: string) => {
    const response = await fetch(server.url + path);
    return { status: response.status, body: await response.json() };
  };
  /** Every page, following the cursor. */
  const every = async (query: string) => {
    const items: Deal[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await get(`/api/deals?limit=2&${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(status).toBe(200);
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor !== null);
    return items;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  itStore("gives each customer's deals, in id order across pages, and the same deals as filtering the whole list", async () => {
    const all = await every('');
    const customers = [...new Set(all.map((d) => d.customer))];
    expect(customers.length).toBeGreaterThan(1);
    for (const customer of customers) {
      const mine = await every(`customer=${encodeURIComponent(customer)}`);
      expect(mine).toEqual(all.filter((d) => d.customer === customer).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    }
  });

  itStore('answers an unknown customer with no deals, and a bad id with 400 naming the field', async () => {
    expect((await get('/api/deals?customer=c-nobody')).body).toEqual({ items: [], nextCursor: null });
    const bad = await get('/api/deals?customer=a%20b');
    expect([bad.status, bad.body.details[0].field]).toEqual([400, 'querystring.customer']);
  });
});
