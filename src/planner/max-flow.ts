// Maximum flow (Dinic) on a small graph with real capacities; the capacity check's relaxations
// are bipartite flows (moves → candidate hosts) that it solves with this.

const EPSILON = 1e-9;

export class FlowNetwork {
  private readonly head: number[];
  private readonly to: number[] = [];
  private readonly next: number[] = [];
  private readonly capacity: number[] = [];

  constructor(readonly nodeCount: number) {
    this.head = new Array<number>(nodeCount).fill(-1);
  }

  /** Adds u → v; returns the edge id (its residual twin is id ^ 1). */
  addEdge(u: number, v: number, capacity: number): number {
    const id = this.to.length;
    for (const [a, b, c] of [[u, v, capacity], [v, u, 0]] as const) {
      this.to.push(b);
      this.capacity.push(c);
      this.next.push(this.head[a]!);
      this.head[a] = this.to.length - 1;
    }
    return id;
  }

  flowOn(edge: number): number {
    return this.capacity[edge ^ 1]!;
  }

  maxFlow(source: number, sink: number): number {
    let total = 0;
    const level = new Int32Array(this.nodeCount);
    const cursor = new Int32Array(this.nodeCount);
    const push = (u: number, limit: number): number => {
      if (u === sink) return limit;
      for (; cursor[u] !== -1; cursor[u] = this.next[cursor[u]!]!) {
        const e = cursor[u]!;
        const v = this.to[e]!;
        if (this.capacity[e]! <= EPSILON || level[v] !== level[u]! + 1) continue;
        const pushed = push(v, Math.min(limit, this.capacity[e]!));
        if (pushed > EPSILON) {
          this.capacity[e]! -= pushed;
          this.capacity[e ^ 1]! += pushed;
          return pushed;
        }
      }
      return 0;
    };
    while (this.levels(source, sink, level)) {
      for (let u = 0; u < this.nodeCount; u++) cursor[u] = this.head[u]!;
      for (let f = push(source, Infinity); f > EPSILON; f = push(source, Infinity)) {
        total += f;
        if (f === Infinity) return Infinity;
      }
    }
    return total;
  }

  /** Nodes still reachable from `source` in the residual graph: the source side of a minimum cut. */
  reachable(source: number): boolean[] {
    const seen = new Array<boolean>(this.nodeCount).fill(false);
    const queue = [source];
    seen[source] = true;
    while (queue.length > 0) {
      const u = queue.pop()!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (!seen[v] && this.capacity[e]! > EPSILON) {
          seen[v] = true;
          queue.push(v);
        }
      }
    }
    return seen;
  }

  private levels(source: number, sink: number, level: Int32Array): boolean {
    level.fill(-1);
    level[source] = 0;
    const queue = [source];
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (level[v]! < 0 && this.capacity[e]! > EPSILON) {
          level[v] = level[u]! + 1;
          queue.push(v);
        }
      }
    }
    return level[sink]! >= 0;
  }
}
