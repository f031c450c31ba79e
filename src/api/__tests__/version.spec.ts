import pkg from '../../../package.json';
import { ApiError } from '../request';
import { classifyHandshake, pipInstallCommand } from '../version';
import { FRONTEND_VERSION } from '../../version';

describe('classifyHandshake', () => {
  const info = { version: '0.1.0', features: ['info'] };

  it('is ready when both versions are equal', () => {
    expect(classifyHandshake('0.1.0', info)).toEqual({ kind: 'ready', info });
  });

  it('names both versions on a mismatch', () => {
    expect(classifyHandshake('0.2.0', info)).toEqual({
      kind: 'mismatch',
      info,
      frontendVersion: '0.2.0'
    });
  });

  it('says the server part is missing on 404', () => {
    expect(classifyHandshake('0.1.0', new ApiError(404, 'Not Found'))).toEqual({
      kind: 'missing',
      frontendVersion: '0.1.0'
    });
  });

  it('passes other failures on as errors with their message', () => {
    expect(classifyHandshake('0.1.0', new ApiError(0, 'unreachable'))).toEqual({
      kind: 'error',
      message: 'unreachable'
    });
  });

  it('gives the exact pip command for the frontend version', () => {
    expect(pipInstallCommand('0.1.0')).toBe(
      'pip install jupyterlab-mlflow-workspace==0.1.0'
    );
  });
});

describe('FRONTEND_VERSION', () => {
  it('matches package.json', () => {
    expect(FRONTEND_VERSION).toBe(pkg.version);
  });
});
