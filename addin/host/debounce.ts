/** Calls `fire` once, `ms` after the last trigger (with the last value). */
export class Debouncer<T = undefined> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly ms: number,
    private readonly fire: (value: T) => void,
  ) {}
  trigger(value: T): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire(value);
    }, this.ms);
  }
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
