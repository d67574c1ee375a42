/**
 * Every number the memo states is a Fact: read from a result file at a path, or derived from read
 * facts by a formula that the memo shows beside it. The memo prints numbers only through `Facts`,
 * so a test can check each printed number against the files (memo.test.ts), and a reader can trace
 * each one to its source.
 */

/** `file#json.path`, e.g. `20261130-1200-ab12/result.json#scenarios[3].comparisons[4].estimatePct`. */
export type Citation = string;

export type Fact =
  /** `scale`: the text shows value x scale (a share 0.05 as "5%"). */
  | { id: number; kind: 'read'; value: number; text: string; from: Citation; scale: number }
  | { id: number; kind: 'derived'; value: number; text: string; formula: string; inputs: readonly number[]; compute: (values: readonly number[]) => number };

/** A printed number: interpolates as its text (marked in tests), and carries its fact for derivations. */
export class Num {
  constructor(readonly fact: Fact, private readonly shown: string) {}
  get value(): number {
    return this.fact.value;
  }
  toString(): string {
    return this.shown;
  }
}

export class Facts {
  readonly all: Fact[] = [];

  constructor(
    /** Test hook: wrap each printed number so a test can tell facts from the rest of the text. */
    private readonly mark: (fact: Fact) => string = (f) => f.text,
  ) {}

  /** A value read from a file; its text is `format(value * scale)`. */
  read(value: number, from: Citation, format: (x: number) => string, scale = 1): Num {
    return this.add({ id: this.all.length, kind: 'read', value, text: format(value * scale), from, scale });
  }

  /** A value computed from printed numbers; `formula` is the derivation in words, shown by the memo. */
  derived(inputs: readonly Num[], compute: (values: readonly number[]) => number, formula: string, format: (x: number) => string): Num {
    const value = compute(inputs.map((n) => n.value));
    return this.add({ id: this.all.length, kind: 'derived', value, text: format(value), formula, inputs: inputs.map((n) => n.fact.id), compute });
  }

  private add(fact: Fact): Num {
    this.all.push(fact);
    return new Num(fact, this.mark(fact));
  }
}
