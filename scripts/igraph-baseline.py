"""igraph (C) baseline for bench-analytics: the same kernels on the same graph.

    /usr/bin/python3 scripts/igraph-baseline.py EDGES NODES SOURCES PAGERANK_OUT

EDGES holds one "source target" pair of node indices per line, SOURCES the
sampled source indices (one a line). Prints one JSON object of timings in
seconds; writes igraph's PageRank (PRPACK, exact) to PAGERANK_OUT, one a line.
python3-igraph 0.10 has no betweenness from a subset of sources, so the
per-source figure on a large graph is its C breadth-first search, the first
half of Brandes' work per source (a floor, not a match); `exact_betweenness`
runs the whole algorithm over every source, for graphs small enough.
"""
import json
import sys
import time

import igraph


def timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main():
    edges_file, order, sources_file, pagerank_out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open(edges_file) as f:
        edges = [tuple(map(int, line.split())) for line in f if line.strip()]
    with open(sources_file) as f:
        sources = [int(line) for line in f if line.strip()]
    times = {}
    times["build"], graph = timed(lambda: igraph.Graph(n=order, edges=edges, directed=False))
    times["pagerank"], ranks = timed(lambda: graph.pagerank(damping=0.85, implementation="prpack"))
    times["components"], _ = timed(lambda: graph.connected_components())
    times["articulation_points_and_bridges"], _ = timed(lambda: (graph.articulation_points(), graph.bridges()))
    bfs_time, _ = timed(lambda: [graph.bfs(s) for s in sources])
    times["bfs_per_source"] = bfs_time / max(1, len(sources))
    if order <= 20000:
        total, _ = timed(lambda: graph.betweenness(directed=False))
        times["exact_betweenness_per_source"] = total / order
    with open(pagerank_out, "w") as f:
        f.write("\n".join(repr(r) for r in ranks))
    print(json.dumps(times))


main()
