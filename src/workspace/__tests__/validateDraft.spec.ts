import { nullTranslator } from '@jupyterlab/translation';
import { validateDraft } from '../validateDraft';

const trans = nullTranslator.load('jupyterlab_mlflow_workspace');

describe('validateDraft', () => {
  it.each([
    ['https://mlflow.example.com/prefix', undefined],
    ['http://127.0.0.1:5000', undefined],
    ['', 'Enter the tracking server URL.'],
    ['mlflow.example.com', 'Not a valid URL.'],
    [
      'ftp://mlflow.example.com',
      'The URL must start with http:// or https://.'
    ],
    [
      'https://me:secret@mlflow.example.com',
      'Remove the credentials from the URL and use the fields below.'
    ],
    [
      'https://mlflow.example.com/x#',
      'The URL must not contain a query (?), fragment (#), parameters (;) or backslash.'
    ],
    [
      'https://mlflow.example.com/x?a=1',
      'The URL must not contain a query (?), fragment (#), parameters (;) or backslash.'
    ],
    [
      'https://mlflow.example.com/x;p',
      'The URL must not contain a query (?), fragment (#), parameters (;) or backslash.'
    ]
  ])('url %j → %j', (url, message) => {
    expect(validateDraft({ kind: 'mlflow', name: 'x', url }, trans).url).toBe(
      message
    );
  });

  it('asks for a name, and for every Azure id', () => {
    const errors = validateDraft(
      { kind: 'azureml', name: ' ', region: 'westeurope' },
      trans
    );
    expect(Object.keys(errors).sort()).toEqual([
      'name',
      'resource_group',
      'subscription_id',
      'workspace_name'
    ]);
  });
});
