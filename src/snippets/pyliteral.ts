/**
 * The one way user text enters generated Python: as a double-quoted string literal.
 *
 * Every generated cell and deploy script passes user values through these functions, never
 * through template interpolation, f-strings or `.format()`. Escaped: backslash, double quote,
 * every C0 and C1 control (NUL included), DEL, the line and paragraph separators U+2028/2029,
 * zero-width and bidirectional controls (so what a reviewer sees is what runs: no "Trojan Source"),
 * the byte-order mark, and lone UTF-16 surrogates (which UTF-8 cannot carry).
 */

const NAMED: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t'
};

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

function needsEscape(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad || // soft hyphen
    code === 0x061c || // Arabic letter mark (a bidi mark)
    (code >= 0x200b && code <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (code >= 0x2028 && code <= 0x202e) || // line/paragraph separators, bidi embeddings
    (code >= 0x2060 && code <= 0x206f) || // word joiner, invisible operators, bidi isolates, deprecated format
    (code >= 0xfff9 && code <= 0xfffb) || // interlinear annotation
    code === 0xfeff
  );
}

/**
 * A Python `str` literal whose value is exactly `value`.
 *
 * @param value - any JavaScript string, including lone surrogates
 * @returns a double-quoted, single-line, ASCII-safe-for-controls Python literal
 */
export function pyStr(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + value[i + 1]; // a valid pair: an ordinary astral character (emoji…)
        i++;
      } else {
        out += `\\u${hex(code, 4)}`;
      }
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      out += `\\u${hex(code, 4)}`;
      continue;
    }
    if (NAMED[ch] !== undefined) {
      out += NAMED[ch];
    } else if (needsEscape(code)) {
      out += code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
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
