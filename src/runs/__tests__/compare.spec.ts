import {
  axisPosition,
  bestSoFar,
  childrenOf,
  diffRuns,
  parallelAxes
} from '../compare';
import { compareValues, formatDuration } from '../columns';
import { checkFilter } from '../filterSyntax';
import { makeRun } from './fakeRuns';

describe('diffRuns', () => {
  const a = makeRun('a', {
    params: { lr: '0.1', model: 'ridge', seed: '1' },
    metrics: { loss: 0.5, acc: NaN }
  });
  const b = makeRun('b', {
    params: { lr: '0.2', model: 'ridge' },
    metrics: { loss: 0.5, acc: NaN, f1: 0.7 }
  });

  it('lists every key, params first, and marks what differs', () => {
    expect(diffRuns([a, b])).toEqual([
      { kind: 'param', key: 'lr', values: ['0.1', '0.2'], differs: true },
      {
        kind: 'param',
        key: 'model',
        values: ['ridge', 'ridge'],
        differs: false
      },
      { kind: 'param', key: 'seed', values: ['1', undefined], differs: true },
      { kind: 'metric', key: 'acc', values: [NaN, NaN], differs: false },
      { kind: 'metric', key: 'f1', values: [undefined, 0.7], differs: true },
      { kind: 'metric', key: 'loss', values: [0.5, 0.5], differs: false }
    ]);
  });

  it('keeps only differences when asked', () => {
    expect(diffRuns([a, b], { onlyDifferences: true }).map(r => r.key)).toEqual(
      ['lr', 'seed', 'f1']
    );
  });

  it('a single run differs from nothing', () => {
    expect(diffRuns([a]).every(r => !r.differs)).toBe(true);
  });
});

describe('sweeps', () => {
  it.each([
    [[3, 2, NaN, 4, 1], true, [3, 2, 2, 2, 1]],
    [[NaN, 0.1, 0.3, 0.2], false, [NaN, 0.1, 0.3, 0.3]]
  ])('bestSoFar(%p, lower=%p)', (values, lower, expected) => {
    expect(bestSoFar(values, lower)).toEqual(expected);
  });

  it('finds the children of a parent in the order they started', () => {
    const runs = [
      makeRun('c2', { tags: { 'mlflow.parentRunId': 'p' }, start: 20 }),
      makeRun('p'),
      makeRun('c1', { tags: { 'mlflow.parentRunId': 'p' }, start: 10 }),
      makeRun('x', { tags: { 'mlflow.parentRunId': 'q' } })
    ];
    expect(childrenOf('p', runs).map(r => r.info.run_id)).toEqual(['c1', 'c2']);
  });

  it('builds parallel axes for varying params, numeric or categorical, then the metric', () => {
    const runs = [
      makeRun('1', {
        params: { lr: '0.1', opt: 'adam', k: 'same' },
        metrics: { loss: 1 }
      }),
      makeRun('2', {
        params: { lr: '0.3', opt: 'sgd', k: 'same' },
        metrics: { loss: 3 }
      })
    ];
    const axes = parallelAxes(runs, 'loss');
    expect(axes.map(a => [a.key, a.numeric])).toEqual([
      ['lr', true],
      ['opt', false],
      ['loss', true]
    ]);
    expect(axisPosition(runs[0], axes[0])).toBeCloseTo(0);
    expect(axisPosition(runs[1], axes[1])).toBe(1);
    expect(axisPosition(runs[1], axes[2])).toBe(1);
    expect(axisPosition(makeRun('3'), axes[2])).toBeNull();
  });
});

describe('columns', () => {
  it.each([
    [1, 2, true, -1],
    [1, 2, false, 1],
    [undefined, 2, true, 1],
    [undefined, 2, false, 1],
    [NaN, 2, false, 1],
    ['b', 'a', true, 1]
  ])('compareValues(%p, %p, asc=%p) has the sign %p', (a, b, asc, sign) => {
    expect(Math.sign(compareValues(a, b, asc))).toBe(sign);
  });

  it.each([
    [850, '850ms'],
    [12_340, '12.3s'],
    [245_000, '4m 05s'],
    [7_380_000, '2h 03m']
  ])('formatDuration(%p) = %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('checkFilter', () => {
  it.each([
    [''],
    ["metrics.rmse < 0.8 AND params.model = 'ridge'"],
    ["tags.`mlflow.user` LIKE 'a%'"],
    ["attributes.status IN ('FINISHED', 'FAILED')"],
    ["params.note = 'this OR that (x)'"],
    ['run.run_name ILIKE "%sweep%"'],
    ['metrics."model class" > 1']
  ])('accepts %p', filter => {
    expect(checkFilter(filter)).toBeNull();
  });

  it.each([
    ["params.model = 'ridge", 'A quote is not closed: %1'],
    [
      'metrics.a < 1 OR metrics.b < 1',
      'MLflow filters only join conditions with AND; OR is not supported.'
    ],
    [
      '(metrics.a < 1) AND metrics.b < 2',
      'Parentheses are only allowed around the list of IN (…); MLflow filters do not group conditions.'
    ],
    [
      'metric.a < 1 AND metrcs.b < 1',
      'Unknown prefix "%1": use metrics., params., tags. or attributes.'
    ],
    ["attributes.colour = 'red'", 'Unknown run attribute "%1".']
  ])('refuses %p', (filter, message) => {
    expect(checkFilter(filter)?.message).toBe(message);
  });
});
