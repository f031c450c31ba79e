import {
  maskCredentials,
  parsePythonStr,
  sameTrackingUri
} from '../trackingUri';

describe('parsePythonStr', () => {
  it.each([
    ["'http://127.0.0.1:5000'", 'http://127.0.0.1:5000'],
    ['"it\'s"', "it's"],
    ["'C:\\\\mlruns'", 'C:\\mlruns'],
    ['None', null],
    ['42', null],
    ["'https://user:pw@mlflow.example/x'", 'https://***@mlflow.example/x']
  ])('%s → %j', (repr, expected) => {
    expect(parsePythonStr(repr)).toBe(expected);
  });
});

describe('tracking URI helpers', () => {
  it('masks credentials only', () => {
    expect(maskCredentials('https://a:b@h/p')).toBe('https://***@h/p');
    expect(maskCredentials('azureml://westeurope.api.azureml.ms/x')).toBe(
      'azureml://westeurope.api.azureml.ms/x'
    );
  });

  it('compares ignoring a trailing slash', () => {
    expect(
      sameTrackingUri('http://127.0.0.1:5000/', 'http://127.0.0.1:5000')
    ).toBe(true);
    expect(
      sameTrackingUri('http://127.0.0.1:5000', 'http://127.0.0.1:5001')
    ).toBe(false);
  });
});
