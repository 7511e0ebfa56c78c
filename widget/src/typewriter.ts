/**
 * Reveals streamed text a few characters per animation frame, so tokens that arrive in bursts
 * read as steady typing. Work happens once per frame at most (never per token), and the reveal
 * speeds up with the backlog so the display never falls far behind the network.
 */

export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

export interface TypewriterOptions {
  render: (visibleText: string) => void;
  /** Checked every frame: with reduced motion everything received is shown at once. */
  reducedMotion: () => boolean;
  scheduler?: FrameScheduler;
}

const MIN_CHARACTERS_PER_FRAME = 2;
/** The backlog is cleared in about this many frames, whatever its size. */
const FRAMES_TO_CATCH_UP = 12;

const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export class Typewriter {
  private target = '';
  private shown = 0;
  private pending: number | null = null;
  private readonly scheduler: FrameScheduler;

  constructor(private readonly options: TypewriterOptions) {
    this.scheduler = options.scheduler ?? animationFrames;
  }

  get visibleLength(): number {
    return this.shown;
  }

  /** The full text received so far; it only ever grows while streaming. */
  update(target: string): void {
    this.target = target;
    if (this.shown > target.length) this.shown = 0;
    this.schedule();
  }

  /** Shows everything now (stream ended, stopped, or failed). */
  finish(): void {
    if (this.pending !== null) this.scheduler.cancel(this.pending);
    this.pending = null;
    this.shown = this.target.length;
    this.options.render(this.target);
  }

  private schedule(): void {
    if (this.pending === null && this.shown < this.target.length) this.pending = this.scheduler.request(this.tick);
  }

  private readonly tick = (): void => {
    this.pending = null;
    const backlog = this.target.length - this.shown;
    if (backlog <= 0) return;
    let next = this.options.reducedMotion()
      ? this.target.length
      : this.shown + Math.max(MIN_CHARACTERS_PER_FRAME, Math.ceil(backlog / FRAMES_TO_CATCH_UP));
    next = Math.min(next, this.target.length);
    // Never split a surrogate pair (emoji) across frames.
    const last = this.target.charCodeAt(next - 1);
    if (last >= 0xd800 && last <= 0xdbff && next < this.target.length) next += 1;
    this.shown = next;
    this.options.render(this.target.slice(0, next));
    this.schedule();
  };
}
