/**
 * One huge value in a bundle JSON: the streamed read stops at MAX_STRING_BYTES
 * with a 400 naming the section, row and field, without holding the value.
 * The body is produced as it is sent, so the process's growth is the server's.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { MAX_STRING_BYTES } from '../../import/json-stream.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, itStore } from '../../test/stores.js';

const NAME_BYTES = 50 * 2 ** 20;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: 'none' });
});
afterAll(async () => {
  await server?.close();
});

/** A bundle whose second partner's name is NAME_BYTES long, made chunk by chunk as the request pulls it. */
function bodyWithLongName(): ReadableStream<Uint8Array> {
  const head = Buffer.from('{"version":1,"partners":[{"id":"p-1","name":"One","types":["reseller"],"tier":"gold","regions":[]},{"id":"p-2","name":"');
  const chunk = Buffer.alloc(2 ** 20, 'x');
  let sent = -1;
  return new ReadableStream({
    pull(controller) {
      if (sent < 0) controller.enqueue(head);
      else if (sent < NAME_BYTES) controller.enqueue(chunk);
      else {
        controller.enqueue(Buffer.from('"}]}'));
        controller.close();
      }
      sent += sent < 0 ? 1 : chunk.length;
    },
  });
}

describeStore('a huge string in a bundle JSON', () => {
  itStore(`a ${NAME_BYTES / 2 ** 20} MB name answers 400 naming partners[1].name, and the process grows by far less than the name`, async () => {
    const before = await (await fetch(`${server.url}/api/export`)).text();
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const response = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyWithLongName(), duplex: 'half' } as RequestInit);
      const body = (await response.json()) as { message: string };
      expect(response.status).toBe(400);
      expect(body.message).toBe(`body: partners[1].name: a string of more than ${MAX_STRING_BYTES} bytes, far more than any field allows (names at most 500 characters); nothing was read past it`);
    } finally {
      clearInterval(sampler);
    }
    const grown = peak - rssBefore;
    console.log(`a ${NAME_BYTES / 2 ** 20} MB name: RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MB, grown by ${(grown / 2 ** 20).toFixed(1)} MB`);
    // Held whole, the name alone would be 50 MB (more as it is gathered and decoded); what is read is capped at
    // MAX_STRING_BYTES and a few chunks, and the rest is the noise of a process that also runs the store (3–14 MB measured).
    expect(grown).toBeLessThan(NAME_BYTES / 2);
    // The server is up and nothing was written.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/api/export`)).text()).toBe(before);
  });
});
