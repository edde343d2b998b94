/**
 * The streamed JSON reader against JSON.parse: the same bundle whatever the
 * chunking, the client's errors said with their status, and a body of rows
 * that can never be valid kept only up to ERROR_STOP rows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STOP } from '../import-bundle.js';
import { JsonBodyError, MAX_STRING_BYTES, readJsonBundle } from '../json-stream.js';

const DEMO = readFileSync(new URL('../../../seeds/demo/bundle.json', import.meta.url), 'utf8');

async function* chunks(text: string, size: number) {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const failure = async (text: string, maxBytes = 1e9) => {
  try {
    await readJsonBundle(chunks(text, 5), maxBytes);
    return undefined;
  } catch (error) {
    return error instanceof JsonBodyError ? [error.statusCode, error.message] : error;
  }
};

describe('readJsonBundle', () => {
  it('reads the demo bundle as JSON.parse does, in chunks that split every token', async () => {
    for (const size of [3, 4096]) {
      const { bundle, unchecked } = await readJsonBundle(chunks(DEMO, size), 1e9);
      expect(bundle).toEqual(JSON.parse(DEMO));
      expect(unchecked).toBe(0);
    }
  });

  it('keeps what the envelope checks (version, a section that is not a list) and drops unknown fields', async () => {
    const { bundle } = await readJsonBundle(chunks('{"version":2,"partners":{"a":{"id":"p"}},"extra":[1,2],"regions":["emea",{"id":"apac"}]}', 4), 1e9);
    expect(bundle).toEqual({ version: 2, partners: {}, regions: ['emea', { id: 'apac' }] });
  });

  it('answers malformed, truncated, empty, non-object and oversized bodies with 400 or 413', async () => {
    expect(await failure('{"version":1,"partners":[{"id":"p",}]}')).toEqual([400, expect.stringMatching(/^body: not valid JSON/)]);
    expect(await failure('{"version":1,"partners":[{"id":"p"}')).toEqual([400, expect.stringMatching(/^body: the JSON ends after 35 bytes/)]);
    expect(await failure('{"version":1} {"version":1}')).toEqual([400, expect.stringMatching(/^body: not valid JSON/)]);
    expect(await failure('')).toEqual([400, expect.stringMatching(/^body: empty/)]);
    expect(await failure('[{"version":1}]')).toEqual([400, expect.stringMatching(/^body: a bundle is a JSON object/)]);
    expect(await failure(`{"version":1,"partners":[${'{},'.repeat(100)}{}]}`, 200)).toEqual([413, 'body: larger than 200 bytes']);
  });

  it(`keeps rows that can never be valid only up to ${ERROR_STOP}, and counts the rest`, async () => {
    const rows = 3 * ERROR_STOP;
    const body = `{"version":1,"partners":[${Array(rows).fill('{"id":""}').join(',')}],"customers":[{"id":"c","name":"C","segment":"smb","region":"emea"}]}`;
    const { bundle, unchecked } = await readJsonBundle(chunks(body, 65536), 1e9);
    expect((bundle.partners as unknown[]).length).toBe(ERROR_STOP);
    // Rows after the stop are not kept, whatever their section: nothing past it is checked.
    expect([bundle.customers, unchecked]).toEqual([[], rows - ERROR_STOP + 1]);
  });

  it(`stops at a string longer than ${MAX_STRING_BYTES} bytes, naming its section, row and field, before the parser holds it`, async () => {
    const long = 'x'.repeat(MAX_STRING_BYTES + 1);
    const rows = '{"id":"p0","name":"A"},{"id":"p1","capabilities":[{"id":"c","level":"basic"}],"name":"B"}';
    expect(await failure(`{"version":1,"capabilities":[],"partners":[${rows},{"id":"p2","name":"${long}"}]}`)).toEqual([
      400,
      `body: partners[2].name: a string of more than ${MAX_STRING_BYTES} bytes, far more than any field allows (names at most 500 characters); nothing was read past it`,
    ]);
    // Escaped quotes do not end a string; a list inside a row keeps the row's field; a top-level key and a list item too.
    expect(await failure(`{"version":1,"partners":[{"id":"a\\\"b","capabilities":["${long}"]}]}`)).toEqual([400, expect.stringMatching(/^body: partners\[0\]\.capabilities: a string of more than/)]);
    expect(await failure(`{"version":1,"regions":["emea","${long}"]}`)).toEqual([400, expect.stringMatching(/^body: regions\[1\]: a string/)]);
    expect(await failure(`{"version":1,"${long}":[]}`)).toEqual([400, expect.stringMatching(/^body: the bundle: a string/)]);
    // At the limit it is only a value too long for its field, for the importer to report.
    const { bundle } = await readJsonBundle(chunks(`{"version":1,"partners":[{"id":"p","name":"${'y'.repeat(MAX_STRING_BYTES)}"}]}`, 65536), 1e9);
    expect(((bundle.partners as Array<{ name: string }>)[0]!.name).length).toBe(MAX_STRING_BYTES);
  });
});
