/**
 * The one way user text enters generated Python: as a double-quoted string literal.
 *
 * Every generated cell and deploy script passes user values through these functions, never
 * through template interpolation, f-strings or `.format()`. Escaped: backslash, double quote,
 * every control character (C0, C1, DEL), every format character (Unicode category Cf: zero-width
 * and bidirectional controls, the byte-order mark, U+180E, the invisible tag characters
 * U+E0000–E007F…), the line and paragraph separators, and lone UTF-16 surrogates (which UTF-8
 * cannot carry). What a reviewer sees is what runs: no "Trojan Source", no hidden text.
 */

const NAMED: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t'
};

// By category rather than by list, so characters Unicode adds later are covered too.
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

function escapeCode(code: number): string {
  if (code <= 0xff) {
    return `\\x${hex(code, 2)}`;
  }
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
}

/**
 * A Python `str` literal whose value is exactly `value`.
 *
 * @param value - any JavaScript string, including lone surrogates
 * @returns a double-quoted, single-line Python literal with every invisible character escaped
 */
export function pyStr(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.codePointAt(i) as number;
    if (code > 0xffff) {
      i++; // a valid surrogate pair: one astral character
    }
    const ch = String.fromCodePoint(code);
    if (code >= 0xd800 && code <= 0xdfff) {
      out += escapeCode(code); // a lone surrogate (codePointAt pairs valid ones)
    } else if (NAMED[ch] !== undefined) {
      out += NAMED[ch];
    } else if (INVISIBLE.test(ch)) {
      out += escapeCode(code);
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/**
 * A Python literal for an optional string: `None` when absent or empty.
 *
 * @param value - the string, or nothing
 */
export function pyOptStr(value: string | null | undefined): string {
  return value ? pyStr(value) : 'None';
}

/**
 * A Python `bool` literal.
 *
 * @param value - the boolean
 */
export function pyBool(value: boolean): string {
  return value ? 'True' : 'False';
}

/**
 * A Python number literal for a finite number; non-finite values become `float("nan")` etc.
 *
 * @param value - the number
 */
export function pyNum(value: number): string {
  if (Number.isNaN(value)) {
    return 'float("nan")';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'float("inf")' : '-float("inf")';
  }
  return String(value);
}

/**
 * A Python `dict` literal with string keys, values already rendered as Python literals.
 *
 * @param entries - key → Python literal (from pyStr, pyNum, …)
 */
export function pyDict(entries: Record<string, string>): string {
  const parts = Object.entries(entries).map(
    ([key, literal]) => `${pyStr(key)}: ${literal}`
  );
  return `{${parts.join(', ')}}`;
}
