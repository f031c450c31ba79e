import { nullTranslator } from '@jupyterlab/translation';
import { defaultName, localTarget } from '../localTarget';
import { IModelChoice } from '../targets';

const trans = nullTranslator.load('jupyterlab_mlflow_workspace');
const model: IModelChoice = {
  uri: 'runs:/0123456789abcdef/model',
  label: 'run / model',
  source: 'logged'
};

describe('local web service target', () => {
  it('generates one deploy_local call with every value as a string literal', () => {
    const source = localTarget.generate({
      model,
      workspaceId: 'team "a"',
      values: { name: 'svc "x"\n\u202eevil', port: '5200' }
    });
    expect(source).toContain(
      'from jupyterlab_mlflow_workspace import deploy_local'
    );
    expect(source).toContain('    "runs:/0123456789abcdef/model",\n');
    expect(source).toContain('    workspace="team \\"a\\"",\n');
    // Quotes, newlines and a bidi override are escaped: what the reviewer sees is what runs.
    expect(source).toContain('    name="svc \\"x\\"\\n\\u202eevil",\n');
    expect(source).toContain('    port=5200,\n');
    expect(source.split('\n').filter(l => l.includes('\u202e'))).toEqual([]);
  });

  it('leaves the port out when it is empty', () => {
    const source = localTarget.generate({
      model,
      workspaceId: 'local',
      values: { name: 'svc', port: '' }
    });
    expect(source).not.toContain('port=');
  });

  it('validates name and port in plain words', () => {
    expect(localTarget.validate({ name: 'ok', port: '' }, trans)).toEqual({});
    expect(localTarget.validate({ name: '  ', port: '' }, trans).name).toBe(
      'Give the service a name.'
    );
    expect(
      localTarget.validate({ name: 'a\u0007b', port: '' }, trans).name
    ).toMatch(/control characters/);
    expect(
      localTarget.validate({ name: 'x'.repeat(101), port: '' }, trans).name
    ).toMatch(/at most 100/);
    for (const port of ['80', '70000', '5e3', '-1', '12.5']) {
      expect(localTarget.validate({ name: 'a', port }, trans).port).toMatch(
        /1024 to 65535/
      );
    }
  });

  it('names the service after the registered model or the run', () => {
    expect(defaultName(model)).toBe('model-01234567');
    expect(
      defaultName({
        uri: 'models:/churn@champion',
        label: '',
        source: 'registered'
      })
    ).toBe('churn');
    expect(
      defaultName({ uri: 'models:/churn/3', label: '', source: 'registered' })
    ).toBe('churn');
    expect(
      defaultName({ uri: 'models:/m-abc123', label: '', source: 'logged' })
    ).toBe('m-abc123');
  });
});
