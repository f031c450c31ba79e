import { pyBool, pyDict, pyNum, pyOptStr, pyStr } from '../pyliteral';

describe('pyStr', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\path\\', '"C:\\\\path\\\\"'],
    ['a\nb\r\tc', '"a\\nb\\r\\tc"'],
    ['nul\u0000del\u007f', '"nul\\x00del\\x7f"'],
    ['c1\u0085\u009b', '"c1\\x85\\x9b"'],
    ['ls\u2028ps\u2029', '"ls\\u2028ps\\u2029"'],
    ['bidi\u202e\u2066x\u2069', '"bidi\\u202e\\u2066x\\u2069"'],
    ['zw\u200b\u200f\ufeff', '"zw\\u200b\\u200f\\ufeff"'],
    [
      'alm\u061c shy\u00ad wj\u2060 ia\ufff9',
      '"alm\\u061c shy\\xad wj\\u2060 ia\\ufff9"'
    ],
    ["'); import os #", '"\'); import os #"'],
    ['"""', '"\\"\\"\\""'],
    ['{x} %s', '"{x} %s"'],
    ['é ✓ 🚀', '"é ✓ 🚀"'],
    [
      'mvs\u180e tag\u{e0001}\u{e0041}\u{e007f}',
      '"mvs\\u180e tag\\U000e0001\\U000e0041\\U000e007f"'
    ],
    [
      'fmt\u0600\u06dd\u070f\u08e2\u{110bd}\u{1d173}',
      '"fmt\\u0600\\u06dd\\u070f\\u08e2\\U000110bd\\U0001d173"'
    ],
    ['lone \ud800 high', '"lone \\ud800 high"'],
    ['lone \udc00 low', '"lone \\udc00 low"'],
    ['swapped \udc00\ud800', '"swapped \\udc00\\ud800"'],
    ['', '""']
  ])('renders %j as %s', (input, expected) => {
    expect(pyStr(input)).toBe(expected);
  });

  it('escapes every format character (Cf), astral ones included', () => {
    const cf = /\p{Cf}/u;
    let all = '';
    for (let code = 0; code <= 0xe01ef; code++) {
      if (
        (code < 0xd800 || code > 0xdfff) &&
        cf.test(String.fromCodePoint(code))
      ) {
        all += String.fromCodePoint(code);
      }
    }
    expect(all.length).toBeGreaterThan(150);
    expect(pyStr(all)).not.toMatch(cf);
  });

  it('never emits a raw newline or control character', () => {
    let all = '';
    for (let code = 0; code < 0x300; code++) {
      all += String.fromCharCode(code);
    }
    // eslint-disable-next-line no-control-regex
    expect(pyStr(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('other literals', () => {
  it.each([
    [pyBool(true), 'True'],
    [pyBool(false), 'False'],
    [pyOptStr(''), 'None'],
    [pyOptStr(null), 'None'],
    [pyOptStr('x'), '"x"'],
    [pyNum(3), '3'],
    [pyNum(0.5), '0.5'],
    [pyNum(NaN), 'float("nan")'],
    [pyNum(-Infinity), '-float("inf")'],
    [pyDict({ 'a"b': pyStr('c'), n: pyNum(1) }), '{"a\\"b": "c", "n": 1}']
  ])('%s is %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
