/**
 * A gate that any number of holders keep shut: work that must not start
 * while it is held awaits `opened()`. Releasing a hold twice is harmless;
 * the gate opens when the last hold is released. API writes hold two of
 * them: the projection's sliced background work (projection/slices.ts) and
 * the embedded store's ordinary reads (store/grafeo.ts).
 */
export class Gate {
  private holds = 0;
  private whenOpen: Promise<void> | undefined;
  private open = () => {};

  hold(): () => void {
    if (this.holds++ === 0) this.whenOpen = new Promise((resolve) => (this.open = resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds > 0) return;
      this.whenOpen = undefined;
      this.open();
    };
  }

  /** Resolves once no hold remains; undefined while none does. */
  opened(): Promise<void> | undefined {
    return this.whenOpen;
  }
}
