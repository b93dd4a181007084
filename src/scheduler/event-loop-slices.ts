/**
 * Long synchronous work (a reload of 10,000 checks) cut into slices of at most `sliceMs`, so that
 * the endpoints keep answering: call pause() between two units of work; it yields to the event loop
 * once the slice is used up.
 */
export class EventLoopSlices {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = 20) {}

  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
