import { pyStr } from '../../snippets/pyliteral';
import { notebookNameCode } from '../notebookName';

describe('notebookNameCode', () => {
  it('is the code the kernel test runs (tests/python/test_run_context.py RENAME_CODE)', () => {
    expect(notebookNameCode('sub/renamed.ipynb')).toBe(
      '(lambda o, s: (o.environ.__setitem__("JPY_SESSION_NAME", "sub/renamed.ipynb"), ' +
        'getattr(getattr(s.modules.get("mlflow.tracking.context.jupyter_notebook_context"), ' +
        '"_get_notebook_name", None), "cache_clear", lambda: None)()))' +
        '(__import__("os"), __import__("sys"))'
    );
  });

  it('writes any notebook name as one escaped literal', () => {
    const name = 'a"b\\c\n").__class__("x.ipynb';
    const code = notebookNameCode(name);
    expect(code).not.toContain('\n');
    expect(code).toContain(`"JPY_SESSION_NAME", ${pyStr(name)})`);
  });
});
