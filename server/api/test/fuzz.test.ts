/**
 * Bad input, every route: reads the app's OpenAPI document and sends each
 * operation invalid inputs: malformed and mistyped bodies, wrong content
 * types, every body field of the wrong type, strings of a megabyte, arrays just over
 * the 10,000-item limit, bad and hostile ids, mistyped and oversized query values,
 * bad cursors. No answer may be a 5xx, every 4xx has the documented error
 * shape, and the store's JSON export is byte-identical afterwards.
 *
 * Deterministic: the requests are built from the document in its order and
 * shuffled by a seeded generator; a fixed cap bounds their number and a time
 * budget their time (a slow store sends a prefix of the same list). Each body
 * is invalid by construction (a required field missing or a field of the
 * wrong type), so none of them may write.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { seededRandom } from '../../analytics/communities.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, itStore } from '../../test/stores.js';

const SEED = 20_261_130;
const MAX_REQUESTS = 2_500;
/** Requests stop once this is spent (the same seeded order, so a slower store sends a prefix of the same list): the test stays under a minute. */
const BUDGET_MS = 40_000;
/** A request still unanswered after this is a failure of its own, named, rather than a timeout of the whole test. */
const REQUEST_TIMEOUT_MS = 10_000;
const BIG_STRING = 'x'.repeat(1024 * 1024);
/** One more than the lists the model allows (issue 10: lists ≤ 10,000 items). */
const BIG_ARRAY_ITEMS = 10_001;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
}
interface Operation {
  parameters?: Array<{ in: 'path' | 'query'; name: string; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}
interface FuzzRequest {
  method: string;
  path: string;
  query?: string;
  body?: string | FormData;
  contentType?: string;
  what: string;
}

const typeOf = (schema: JsonSchema | undefined) => (Array.isArray(schema?.type) ? schema.type.find((t) => t !== 'null') : schema?.type);

/** A value of a type the schema does not allow; undefined when the schema allows anything. */
function wrongValue(schema: JsonSchema | undefined): unknown {
  switch (typeOf(schema)) {
    case 'string':
      return 12_345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'a list' };
    case 'object':
      return ['not', 'an object'];
    default:
      return undefined;
  }
}

/** Ids no record has and that break naive code: too long, hostile, odd encodings. */
const BAD_IDS = [
  'y'.repeat(5_000),
  '..%2F..%2Fetc%2Fpasswd',
  encodeURIComponent("x' OR 1=1 //"),
  encodeURIComponent('MATCH (n) DETACH DELETE n'),
  '%00',
  '%ZZ',
  encodeURIComponent('😀'.repeat(200)),
  encodeURIComponent(' '),
  '-',
  encodeURIComponent('{"$ne":null}'),
];

/** Query values that are wrong for the parameter's schema, or merely extreme. */
function badQueryValues(schema: JsonSchema | undefined, name: string): string[] {
  const common = ['', 'q'.repeat(8_000), '%00', '%ZZ', encodeURIComponent('\u0000\u202e'), encodeURIComponent('=HYPERLINK("x")')];
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') return [...common, 'abc', '-1', '0', '1.5', '1e999', '99999999999999999999', 'NaN', '0x10'];
  const values = schema?.enum === undefined ? common : [...common, 'not-one-of-them', String(schema.enum[0]).toUpperCase()];
  if (name === 'cursor') values.push('garbage', 'AAAA', Buffer.from('{"after":1}').toString('base64url'), Buffer.from('-5').toString('base64url'), Buffer.from('9'.repeat(400)).toString('base64url'));
  return values;
}

/** Bodies a JSON operation must refuse: each lacks a required field or holds a field of the wrong type. */
function badBodies(schema: JsonSchema | undefined): Array<{ body: string; what: string }> {
  const out = [
    { body: '{"unclosed": [', what: 'malformed JSON' },
    { body: 'null', what: 'null' },
    { body: '42', what: 'a number' },
    { body: '"text"', what: 'a string' },
    { body: '[]', what: 'an array' },
    { body: `${'['.repeat(5_000)}${']'.repeat(5_000)}`, what: 'deeply nested arrays' },
  ];
  const properties = Object.entries(schema?.properties ?? {});
  const required = schema?.required ?? [];
  if (required.length > 0) out.push({ body: '{}', what: 'an empty object' });
  const allWrong = Object.fromEntries(properties.map(([name, s]) => [name, wrongValue(s)]).filter(([, v]) => v !== undefined));
  if (Object.keys(allWrong).length > 0) out.push({ body: JSON.stringify(allWrong), what: 'every field of the wrong type' });
  for (const [name, s] of properties) {
    const wrong = wrongValue(s);
    if (wrong !== undefined) out.push({ body: JSON.stringify({ [name]: wrong }), what: `${name} of the wrong type` });
  }
  // Extremes, made invalid by one other field of the wrong type (or by a required field left out).
  const spoiler = properties.map(([name, s]) => [name, wrongValue(s)] as const).find(([, v]) => v !== undefined);
  for (const [name, s] of properties) {
    const type = typeOf(s);
    if (type !== 'string' && type !== 'array') continue;
    const value = type === 'string' ? BIG_STRING : Array.from({ length: BIG_ARRAY_ITEMS }, (_, i) => `item-${i}`);
    const other = spoiler !== undefined && spoiler[0] !== name ? { [spoiler[0]]: spoiler[1] } : undefined;
    const missingRequired = required.some((r) => r !== name);
    if (other === undefined && !missingRequired) continue;
    out.push({ body: JSON.stringify({ [name]: value, ...other }), what: `${name}: ${type === 'string' ? 'a 1 MB string' : `${BIG_ARRAY_ITEMS} items`}` });
  }
  return out;
}

/** Every invalid request for one operation. */
function requestsFor(method: string, template: string, operation: Operation): FuzzRequest[] {
  const params = operation.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  const requiredQuery = query.filter((p) => p.required);
  const fill = (id: string) => pathParams.reduce((path, p) => path.replace(`{${p.name}}`, id), template);
  // A syntactically fine id no record has: the body and query are then what is wrong.
  const plainPath = fill('fuzz-no-such-id');
  const out: FuzzRequest[] = [];
  const json = operation.requestBody?.content['application/json'];
  // An id the schema may accept, with a body it cannot: never a write.
  const refusedBody = json === undefined ? undefined : 'null';

  for (const id of pathParams.length > 0 ? BAD_IDS : []) out.push({ method, path: fill(id), what: `bad id ${id.slice(0, 30)}`, ...(refusedBody === undefined ? {} : { body: refusedBody, contentType: 'application/json' }) });
  if (requiredQuery.length > 0) out.push({ method, path: plainPath, what: 'required query parameters missing' });
  for (const p of query) {
    for (const value of badQueryValues(p.schema, p.name)) out.push({ method, path: plainPath, query: `${p.name}=${value}`, what: `query ${p.name}=${value.slice(0, 30)}` });
    out.push({ method, path: plainPath, query: `${p.name}=1&${p.name}=2`, what: `query ${p.name} given twice` });
  }
  if (json !== undefined) {
    for (const { body, what } of badBodies(json.schema)) out.push({ method, path: plainPath, body, contentType: 'application/json', what: `body: ${what}` });
    out.push({ method, path: plainPath, body: '{"id":"x"}', contentType: 'text/plain', what: 'body: wrong content type' });
    out.push({ method, path: plainPath, body: '{"id":"x"}', contentType: 'application/xml', what: 'body: unknown content type' });
  }
  if (method === 'post' && template === '/api/import') {
    // The import takes JSON bundles and multipart CSV files (or a zip of them).
    out.push({ method, path: template, body: JSON.stringify({ version: 1, partners: Array.from({ length: 10_000 }, () => ({})) }), contentType: 'application/json', what: 'bundle: 10,000 empty rows' });
    out.push({ method, path: template, body: JSON.stringify({ version: 99 }), contentType: 'application/json', what: 'bundle: unknown version' });
    out.push({ method, path: template, body: '--nope\r\ngarbage', contentType: 'multipart/form-data; boundary=xyz', what: 'multipart: wrong boundary' });
    const unknownFile = new FormData();
    unknownFile.append('f', new Blob(['a,b\n1,2\n']), 'unknown.csv');
    out.push({ method, path: template, body: unknownFile, what: 'multipart: an unknown CSV file' });
    const badZip = new FormData();
    badZip.append('f', new Blob([Buffer.from('PK\u0003\u0004garbage')]), 'bundle.zip');
    out.push({ method, path: template, body: badZip, what: 'multipart: a broken zip' });
    const badRows = new FormData();
    badRows.append('f', new Blob([`id,name,types\n${'=cmd,"x,\n'.repeat(3)}`]), 'partners.csv');
    out.push({ method, path: template, body: badRows, what: 'multipart: a CSV with an unclosed quote' });
  }
  return out;
}

describeStore('OpenAPI fuzz: invalid input on every route', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  itStore('answers every invalid request with a 4xx in the documented shape, writes nothing, and stays up', async () => {
    const exportText = async () => (await fetch(`${server.url}/api/export`)).text();
    const before = await exportText();
    const document = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, Operation>> };

    const requests: FuzzRequest[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) requests.push(...requestsFor(method, template, operation));
    }
    // Seeded shuffle, then the cap: the same requests in the same order on every run.
    const random = seededRandom(SEED);
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    const sent = requests.slice(0, MAX_REQUESTS);

    const started = performance.now();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const slowest: Array<[number, string]> = [];
    let count = 0;
    for (const r of sent) {
      if (performance.now() - started > BUDGET_MS) break;
      count += 1;
      const t0 = performance.now();
      const url = `${server.url}${r.path}${r.query === undefined ? '' : `?${r.query}`}`;
      const headers: Record<string, string> = r.contentType === undefined ? {} : { 'content-type': r.contentType };
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { method: r.method.toUpperCase(), headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(r.body === undefined ? {} : { body: r.body }) });
        text = await response.text();
      } catch (error) {
        failures.push(`${r.method.toUpperCase()} ${r.path.slice(0, 60)} (${r.what}): no answer (${(error as Error).message})`);
        continue;
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const label = `${r.method.toUpperCase()} ${r.path.slice(0, 60)} (${r.what}) → ${response.status}`;
      slowest.push([performance.now() - t0, label]);
      if (response.status >= 500) failures.push(`${label}: ${text.slice(0, 200)}`);
      else if (response.status >= 400 && response.status !== 431) {
        // Node answers oversized headers itself, before the app; every other 4xx is ours.
        const body = JSON.parse(text) as { error?: unknown; message?: unknown; details?: unknown };
        if (typeof body.error !== 'string' || typeof body.message !== 'string' || !Array.isArray(body.details)) failures.push(`${label}: not the error shape: ${text.slice(0, 200)}`);
      } else if (r.method !== 'get' && response.status < 300) failures.push(`${label}: an invalid write was accepted`);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${count} requests sent (of ${requests.length} built, ${sent.length} under the cap) over ${Object.keys(document.paths).length} paths in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);

    console.log(`fuzz: slowest: ${slowest.sort((a, b) => b[0] - a[0]).slice(0, 5).map(([ms, l]) => `${l} in ${ms.toFixed(0)} ms`).join('; ')}`);
    expect(failures).toEqual([]);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(await exportText()).toBe(before);
  }, 120_000);
});
