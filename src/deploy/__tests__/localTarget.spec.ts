import { nullTranslator } from '@jupyterlab/translation';
import { defaultName, localTarget } from '../localTarget';
import { slugName } from '../serviceName';
import { IModelChoice } from '../targets';
import { workspace } from '../../__tests__/fixtures';

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
      workspace: workspace('team "a"'),
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
      workspace: workspace('local'),
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

  it("names a logged model's service after its run, not the model id", () => {
    const errors = (name: string) =>
      localTarget.validate({ name, port: '' }, trans);
    const cases: [IModelChoice, string][] = [
      [
        {
          uri: 'models:/m-7a03c5e1f2',
          label: 'to-deploy / model',
          source: 'logged',
          runId: 'r1',
          runName: 'to-deploy'
        },
        'to-deploy'
      ],
      [
        {
          uri: 'runs:/0123456789ab/model',
          label: '',
          source: 'logged',
          runName: 'Ridge α=0.1 (final)'
        },
        'ridge-0-1-final'
      ],
      [
        {
          uri: 'runs:/0123456789ab/preprocessor',
          label: '',
          source: 'logged',
          runName: 'diabetes'
        },
        'diabetes-preprocessor'
      ],
      [
        {
          uri: 'models:/m-7a03',
          label: '',
          source: 'logged',
          runName: 'x'.repeat(300)
        },
        'x'.repeat(100)
      ],
      // Nothing usable in the run name: the model's own name, as before.
      [
        { uri: 'models:/m-7a03', label: '', source: 'logged', runName: '✓✓' },
        'm-7a03'
      ]
    ];
    for (const [choice, expected] of cases) {
      const name = defaultName(choice);
      expect(name).toBe(expected);
      expect(errors(name)).toEqual({});
    }
  });
});

describe('slugName', () => {
  it('keeps to lowercase letters, digits and single hyphens within the rules', () => {
    expect(slugName('  Élan -- vital!  ', { maxLength: 100 })).toBe(
      'elan-vital'
    );
    expect(slugName('2024 run', { maxLength: 32, letterFirst: true })).toBe(
      'run'
    );
    expect(slugName('abc-def', { maxLength: 4 })).toBe('abc');
    expect(slugName('ab', { maxLength: 32, minLength: 3 })).toBeNull();
    expect(slugName('✓', { maxLength: 32 })).toBeNull();
  });
});
