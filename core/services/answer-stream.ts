import { NO_ANSWER_MARKER } from '../adapters/llm/prompt';

/**
 * Post-processing of a model's streamed reply, token by token, without delaying more than a few
 * characters:
 * - the no-answer marker: a reply that opens with NO_ANSWER_MARKER (the prompt asks every model,
 *   and the local answerer, to open with it when the excerpts lack the answer) is withheld, and
 *   the caller says the site's decline message instead;
 * - citations: `[n]` markers (1-based indexes into the context) are renumbered by first
 *   appearance, so `[1]` is always the first entry of `sources` and `sources` can list only what
 *   the answer cites; markers pointing outside the context are dropped.
 */
export class AnswerStream {
  private pending = '';
  private decided = false;
  /** Set once the reply turned out to open with the marker. */
  declined = false;
  /** Context indexes (0-based) in order of first citation. */
  readonly cited: number[] = [];

  constructor(private readonly contextSize: number) {}

  /** Feeds one token; returns the text that may be shown now ('' while undecided or declined). */
  push(text: string): string {
    if (this.declined) return '';
    this.pending += text;
    if (!this.decided) {
      const head = this.pending.replace(/^[\s*_"'`>#-]+/, '');
      const marker = NO_ANSWER_MARKER.toLowerCase();
      const probe = head.slice(0, marker.length).toLowerCase();
      if (probe.length < marker.length && marker.startsWith(probe)) return '';
      this.decided = true;
      if (probe === marker) {
        this.declined = true;
        this.pending = '';
        return '';
      }
    }
    return this.release(false);
  }

  /** The held-back tail once the reply has ended. */
  end(): string {
    if (this.declined) return '';
    if (!this.decided) {
      // A reply shorter than the marker: it either is (a prefix of) the marker or plain text.
      const head = this.pending.trim().toLowerCase();
      if (head !== '' && NO_ANSWER_MARKER.toLowerCase().startsWith(head) && head.length >= 3) {
        this.declined = true;
        return '';
      }
      this.decided = true;
    }
    return this.release(true);
  }

  private release(final: boolean): string {
    // Hold back a possibly unfinished marker such as "[1" at the end.
    const cut = final ? this.pending.length : holdBack(this.pending);
    const ready = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return ready.replace(/\[(\d{1,3})\]/g, (_match, digits: string) => {
      const index = Number(digits) - 1;
      if (index < 0 || index >= this.contextSize) return '';
      let position = this.cited.indexOf(index);
      if (position < 0) position = this.cited.push(index) - 1;
      return `[${position + 1}]`;
    });
  }
}

function holdBack(text: string): number {
  const open = /\[\d{0,3}$/.exec(text);
  return open ? open.index : text.length;
}

const DECLINE_PHRASES =
  /\b(couldn'?t find|could not find|can'?t find|cannot find|don'?t have (any )?information|no information|not (mentioned|covered|included) in|do not (mention|cover|contain)|doesn'?t (mention|cover|contain))\b|no (he )?encontr|pas trouvé|ne (mentionnent|contiennent) pas|nicht gefunden|keine informationen|não encontrei|não (mencionam|contêm)/i;

/**
 * A model that ignored the marker instruction but still said the documents lack the answer: a
 * short reply citing nothing that reads as a refusal. Counted as not grounded.
 */
export function readsAsDecline(answer: string, citedCount: number): boolean {
  return citedCount === 0 && answer.split(/\s+/).length <= 60 && DECLINE_PHRASES.test(answer);
}
