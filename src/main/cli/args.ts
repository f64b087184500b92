// A small argument parser: positional args, --flag, --key value, --key=value, repeatable keys.

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], booleanFlags: string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (booleanFlags.includes(key)) {
        out.flags.add(key);
        continue;
      }
      // `--space --json` is a missing value, not a space named "--json" (`--key=--x` still passes one).
      if (eq < 0 && argv[i + 1]?.startsWith('--')) throw new UsageError(`--${key} needs a value (got the option ${argv[i + 1]})`);
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${key} needs a value`);
      out.options.set(key, [...(out.options.get(key) ?? []), value]);
    } else out.positional.push(a);
  }
  return out;
}

export function opt(a: ParsedArgs, key: string): string | undefined {
  const v = a.options.get(key);
  return v?.[v.length - 1];
}

export function numOpt(a: ParsedArgs, key: string, min: number, max: number): number | undefined {
  const v = opt(a, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${key} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}
