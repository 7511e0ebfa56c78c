import { describe, expect, it } from 'vitest';
import { Typewriter, type FrameScheduler } from './typewriter';

function manualFrames(): FrameScheduler & { run(): number; pending(): number } {
  let callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    request(callback) {
      callbacks.set(next, callback);
      return next++;
    },
    cancel(handle) {
      callbacks.delete(handle);
    },
    run() {
      const due = [...callbacks.values()];
      callbacks = new Map();
      for (const callback of due) callback();
      return due.length;
    },
    pending: () => callbacks.size,
  };
}

describe('Typewriter', () => {
  it('reveals text over several frames, rendering at most once per frame', () => {
    const frames = manualFrames();
    const renders: string[] = [];
    const typewriter = new Typewriter({
      render: (text) => renders.push(text),
      reducedMotion: () => false,
      scheduler: frames,
    });
    typewriter.update('Hello');
    typewriter.update('Hello world, this is a streamed answer.');
    expect(frames.pending()).toBe(1);
    expect(renders).toEqual([]);
    frames.run();
    expect(renders).toHaveLength(1);
    expect(renders[0].length).toBeLessThan(39);
    while (frames.run() > 0);
    expect(renders.at(-1)).toBe('Hello world, this is a streamed answer.');
    expect(renders.length).toBeLessThanOrEqual(20);
    for (let index = 1; index < renders.length; index += 1)
      expect(renders[index].startsWith(renders[index - 1])).toBe(true);
  });

  it('catches up quickly on a large backlog', () => {
    const frames = manualFrames();
    const renders: string[] = [];
    const typewriter = new Typewriter({
      render: (text) => renders.push(text),
      reducedMotion: () => false,
      scheduler: frames,
    });
    typewriter.update('x'.repeat(10_000));
    let count = 0;
    while (frames.run() > 0) count += 1;
    // About 1.5 s at 60 frames per second for a 10,000-character burst.
    expect(count).toBeLessThan(100);
    expect(renders.at(-1)).toHaveLength(10_000);
  });

  it('shows everything received at once with reduced motion', () => {
    const frames = manualFrames();
    const renders: string[] = [];
    const typewriter = new Typewriter({
      render: (text) => renders.push(text),
      reducedMotion: () => true,
      scheduler: frames,
    });
    typewriter.update('All of it at once');
    frames.run();
    expect(renders).toEqual(['All of it at once']);
    expect(frames.pending()).toBe(0);
  });

  it('finish shows the full text immediately and cancels the pending frame', () => {
    const frames = manualFrames();
    const renders: string[] = [];
    const typewriter = new Typewriter({
      render: (text) => renders.push(text),
      reducedMotion: () => false,
      scheduler: frames,
    });
    typewriter.update('Partial answer that was stopped');
    typewriter.finish();
    expect(renders).toEqual(['Partial answer that was stopped']);
    expect(frames.pending()).toBe(0);
  });

  it('never splits an emoji between frames', () => {
    const frames = manualFrames();
    const renders: string[] = [];
    const typewriter = new Typewriter({
      render: (text) => renders.push(text),
      reducedMotion: () => false,
      scheduler: frames,
    });
    typewriter.update('a👋b👋c👋d👋');
    while (frames.run() > 0);
    for (const text of renders) expect(/[\uD800-\uDBFF]$/.test(text)).toBe(false);
  });
});
