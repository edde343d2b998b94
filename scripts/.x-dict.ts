import { UndirectedGraph } from 'graphology';
import { projectBundle } from '../server/projection/from-bundle.js';
import { readFileSync } from 'node:fs';
const gc = (globalThis as any).gc as () => void;
const used = async () => { await new Promise((r) => setTimeout(r, 100)); gc(); gc(); return process.memoryUsage().heapUsed; };
if (process.argv.includes('--dict')) {
  const probe = new UndirectedGraph(); probe.addNode('x');
  const proto = (probe as any)._nodes.get('x').constructor.prototype;
  proto.clear = function () { this.undirectedDegree = 0; this.undirectedLoops = 0; this.undirected = Object.create(null); };
}
const bundle = JSON.parse(readFileSync('/tmp/eco-100k-final.json', 'utf8'));
const before = await used();
const t = performance.now();
const projection = projectBundle(bundle);
const built = performance.now() - t;
const after = await used();
console.log(process.argv.includes('--dict') ? 'dict' : 'plain', 'build', built.toFixed(0), 'ms', 'graph+bundle delta', ((after - before) / 2 ** 20).toFixed(0), 'MB', projection.graph.order, projection.graph.size);
(globalThis as any).keep = projection;
(bundle as any).partners = null;
const t2 = performance.now(); let s = 0; projection.graph.forEachNode((n) => { projection.graph.forEachNeighbor(n, () => { s++; }); }); console.log('walk neighbours', (performance.now() - t2).toFixed(0), 'ms', s);
