type Key = string | number;

/**
 * The series of a metric by its label values, one Map per label: label values are mostly the
 * same string objects every time (route templates, methods, event types), whose hashes V8 keeps,
 * so a lookup builds no key string (joining the values would allocate and hash a new one on
 * every request). Up to four labels; unused positions are ''.
 */
export class SeriesIndex<V> {
  private readonly root = new Map<Key, Map<Key, Map<Key, Map<Key, V>>>>();

  constructor(private readonly open: (a: Key, b: Key, c: Key, d: Key) => V) {}

  /** The series of (a, b, c, d), opened the first time it is asked for. */
  get(a: Key, b: Key = '', c: Key = '', d: Key = ''): V {
    let byB = this.root.get(a);
    if (byB === undefined) this.root.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    let byD = byC.get(c);
    if (byD === undefined) byC.set(c, (byD = new Map()));
    let series = byD.get(d);
    if (series === undefined) byD.set(d, (series = this.open(a, b, c, d)));
    return series;
  }
}
