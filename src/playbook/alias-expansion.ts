// Counts the nodes a YAML document would have with every alias expanded, so an alias bomb
// ("billion laughs") is refused before anything walks the shared structure it builds.
import { EVENT_ID, type Event } from 'js-yaml';

export function countExpandedNodes(source: string, events: Event[]): number {
  const anchoredSizes = new Map<string, number>();
  // Each open collection: its node count so far and its anchor name, if any.
  const stack: Array<{ size: number; anchor?: string }> = [{ size: 0 }];
  const add = (n: number): void => {
    const top = stack.at(-1);
    if (top) top.size += n;
  };
  const anchorOf = (start: number, end: number): string | undefined => (start >= 0 ? source.slice(start, end) : undefined);
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        stack.push({ size: 1, anchor: anchorOf(event.anchorStart, event.anchorEnd) });
        break;
      case EVENT_ID.SCALAR: {
        const anchor = anchorOf(event.anchorStart, event.anchorEnd);
        if (anchor !== undefined) anchoredSizes.set(anchor, 1);
        add(1);
        break;
      }
      case EVENT_ID.ALIAS:
        add(anchoredSizes.get(source.slice(event.anchorStart, event.anchorEnd)) ?? 1);
        break;
      case EVENT_ID.POP: {
        if (stack.length <= 1) break;
        const done = stack.pop();
        if (!done) break;
        if (done.anchor !== undefined) anchoredSizes.set(done.anchor, done.size);
        add(done.size);
        break;
      }
      default:
        break;
    }
  }
  return stack[0]?.size ?? 0;
}
