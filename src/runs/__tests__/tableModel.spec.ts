import { RunTableModel } from '../tableModel';
import { fakeSearch, makeRun } from './fakeRuns';

/** 250 runs, loss = i / 1000, started one second apart, duration 1000 - 3i ms. */
function runs250() {
  return Array.from({ length: 250 }, (_, i) =>
    makeRun(`r${i}`, {
      metrics: { loss: i / 1000 },
      params: { lr: String(i % 5) },
      start: i * 1000,
      end: i * 1000 + 1000 - 3 * i
    })
  );
}

describe('RunTableModel paging', () => {
  it('loads a first page of at most 50, then appends pages forward until the last', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    expect(model.state.kind).toBe('ready');
    expect(model.runs).toHaveLength(50);
    expect(model.complete).toBe(false);
    await model.loadMore();
    await model.loadMore();
    await model.loadMore();
    expect(model.runs.map(r => r.info.run_id).slice(48, 52)).toEqual([
      'r48',
      'r49',
      'r50',
      'r51'
    ]);
    expect(model.runs).toHaveLength(250);
    expect(model.complete).toBe(true);
    await model.loadMore();
    expect(calls.map(c => [c.pageToken, c.maxResults])).toEqual([
      [undefined, 50],
      ['50', 100],
      ['150', 100]
    ]);
    expect(model.updatedAt).not.toBeNull();
  });

  it('a small page size is also the first page size', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 20 });
    await model.setExperiments(['1']);
    expect(calls[0].maxResults).toBe(20);
  });

  it('does not fetch the same page twice when scrolling asks again before it arrives', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    await Promise.all([model.loadMore(), model.loadMore()]);
    expect(calls).toHaveLength(2);
    expect(model.runs).toHaveLength(150);
  });

  it('loadAll follows every page and reports progress', async () => {
    const { search } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 50 });
    await model.setExperiments(['1']);
    const seen: (number | null)[] = [];
    model.changed.connect(() => seen.push(model.loadAllProgress));
    await model.loadAll();
    expect(model.runs).toHaveLength(250);
    expect(model.complete).toBe(true);
    expect(seen).toContain(50);
    expect(seen[seen.length - 1]).toBeNull();
  });

  it('refresh fetches as many rows as are loaded, in one request', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    await model.loadMore();
    await model.refresh();
    expect(calls[calls.length - 1]).toMatchObject({
      maxResults: 150,
      pageToken: undefined
    });
    expect(model.runs).toHaveLength(150);
  });

  it('is idle without an experiment and sends nothing', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search });
    await model.setExperiments([]);
    expect(model.state.kind).toBe('idle');
    expect(calls).toHaveLength(0);
  });
});

describe('RunTableModel sort', () => {
  it.each([
    ['metric:loss', false, 'metrics.`loss` DESC'],
    ['attr:start', false, 'attributes.start_time DESC'],
    ['attr:name', true, 'attributes.run_name ASC'],
    ['tag:mlflow.source.name', true, 'tags.`mlflow.source.name` ASC']
  ])(
    'sorts %s on the server, first direction ascending=%p',
    async (columnId, ascending, orderBy) => {
      const { search, calls } = fakeSearch(runs250());
      const model = new RunTableModel({ search });
      model.setColumns(['loss'], ['lr']);
      await model.setExperiments(['1']);
      await model.sortBy(columnId);
      expect(model.sort).toEqual({ columnId, ascending });
      expect(calls[calls.length - 1].orderBy).toEqual([orderBy]);
      expect(calls[calls.length - 1].pageToken).toBeUndefined();
    }
  );

  it('flips the direction when the same column is sorted again', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search });
    model.setColumns(['loss'], []);
    await model.setExperiments(['1']);
    await model.sortBy('metric:loss');
    await model.sortBy('metric:loss');
    expect(calls[calls.length - 1].orderBy).toEqual(['metrics.`loss` ASC']);
    expect(model.runs[0].info.run_id).toBe('r0');
  });

  it('sorts a derived column (duration) in the browser after loading every page', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    await model.sortBy('attr:duration');
    expect(calls[calls.length - 1].orderBy).toBeUndefined();
    expect(model.runs).toHaveLength(250);
    expect(model.complete).toBe(true);
    // Longest first: r0 ran 1000 ms, r249 ran 253 ms.
    expect(model.runs[0].info.run_id).toBe('r0');
    expect(model.runs[249].info.run_id).toBe('r249');
  });

  it('keeps rows that lack the sorted metric, last', async () => {
    const list = [
      makeRun('a', { metrics: { loss: 2 } }),
      makeRun('b'),
      makeRun('c', { metrics: { loss: 1 } })
    ];
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search });
    model.setColumns(['loss'], []);
    await model.setExperiments(['1']);
    await model.sortBy('metric:loss');
    expect(model.runs.map(r => r.info.run_id)).toEqual(['a', 'c', 'b']);
  });
});

describe('RunTableModel with every run loaded', () => {
  it('sorts in the browser without asking MLflow, then flips', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 100 });
    model.setColumns(['loss'], []);
    await model.setExperiments(['1']);
    await model.loadAll();
    const before = calls.length;
    await model.sortBy('metric:loss');
    expect(calls).toHaveLength(before);
    expect(model.runs[0].info.run_id).toBe('r249');
    await model.sortBy('metric:loss');
    expect(model.runs[0].info.run_id).toBe('r0');
    expect(model.orderBy).toEqual([]);
    expect(calls).toHaveLength(before);
  });

  it('ranks the top N in the browser, skipping runs without the metric', async () => {
    const list = [
      makeRun('a', { metrics: { loss: 3 } }),
      makeRun('b'),
      makeRun('c', { metrics: { loss: 1 } }),
      makeRun('d', { metrics: { loss: NaN } }),
      makeRun('e', { metrics: { loss: 2 } })
    ];
    const { search, calls } = fakeSearch(list);
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    expect(await model.selectTop('loss', 5, true)).toEqual(['c', 'e', 'a']);
    expect(await model.selectTop('loss', 2, false)).toEqual(['a', 'e']);
    expect(calls).toHaveLength(1);
  });

  it('refresh merges the newest runs in and keeps the order', async () => {
    const list = runs250().slice(0, 30);
    const { search, calls } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 100 });
    model.setColumns(['loss'], []);
    await model.setExperiments(['1']);
    await model.sortBy('metric:loss');
    // A new run, and new values of a loaded one, arrive on the server.
    list.unshift(makeRun('new', { metrics: { loss: 0.5 }, start: 1e9 }));
    list[1] = makeRun('r0', { metrics: { loss: 0.9 } });
    await model.refresh();
    expect(calls[calls.length - 1].orderBy).toBeUndefined();
    expect(model.runs).toHaveLength(31);
    expect(model.runs.slice(0, 2).map(r => r.info.run_id)).toEqual([
      'r0',
      'new'
    ]);
    expect(model.complete).toBe(true);
  });

  it('refresh of a long, partly loaded table asks for at most 500 rows and keeps the rest', async () => {
    const big = Array.from({ length: 2000 }, (_, i) =>
      makeRun(`r${i}`, { start: 1e6 - i })
    );
    const { search, calls } = fakeSearch(big);
    const model = new RunTableModel({ search, pageSize: 400 });
    await model.setExperiments(['1']);
    await model.loadMore();
    await model.loadMore();
    expect(model.runs).toHaveLength(850);
    await model.refresh();
    expect(calls[calls.length - 1].maxResults).toBe(500);
    expect(model.runs).toHaveLength(850);
    expect(new Set(model.runs.map(r => r.info.run_id)).size).toBe(850);
    await model.loadMore();
    expect(calls[calls.length - 1].pageToken).toBe('850');
  });
});

describe('RunTableModel refresh drops runs gone from the server', () => {
  /** `n` runs in MLflow's default order: newest start first. */
  function newestFirst(n: number) {
    return Array.from({ length: n }, (_, i) =>
      makeRun(`r${i}`, { metrics: { loss: i / 100 }, start: 1e6 - i })
    );
  }

  it('a fully loaded table drops deleted runs and unselects them', async () => {
    const list = newestFirst(30);
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    expect(model.complete).toBe(true);
    model.setSelection(['r3', 'r5', 'r29']);
    // r5 and the oldest run are deleted on the server.
    list.splice(29, 1);
    list.splice(5, 1);
    await model.refresh();
    const ids = model.runs.map(r => r.info.run_id);
    expect(ids).toHaveLength(28);
    expect(ids).not.toContain('r5');
    expect(ids).not.toContain('r29');
    expect(model.selection).toEqual(['r3']);
    expect(model.complete).toBe(true);
  });

  it('a fully loaded table keeps its local order and the selection of remaining runs', async () => {
    const list = newestFirst(30);
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 100 });
    model.setColumns(['loss'], []);
    await model.setExperiments(['1']);
    await model.sortBy('metric:loss');
    const order = model.runs.map(r => r.info.run_id);
    model.setSelection(['r1', 'r2']);
    list.splice(1, 1);
    await model.refresh();
    expect(model.runs.map(r => r.info.run_id)).toEqual(
      order.filter(id => id !== 'r1')
    );
    expect(model.selection).toEqual(['r2']);
  });

  it('a run deleted at the end of a partly loaded window leaves the table', async () => {
    // 100 runs on the server, 100 loaded in two pages: the table does not know it has them all.
    const list = newestFirst(100);
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 50 });
    await model.setExperiments(['1']);
    await model.loadMore();
    expect(model.runs).toHaveLength(100);
    list.splice(99, 1);
    await model.refresh();
    expect(model.runs.map(r => r.info.run_id)).not.toContain('r99');
    expect(model.runs).toHaveLength(99);
  });

  it('runs that no longer match the filter leave the table', async () => {
    const list = newestFirst(20);
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setFilter('metrics.loss < 0.1');
    await model.setExperiments(['1']);
    expect(model.runs).toHaveLength(10);
    list[2] = makeRun('r2', { metrics: { loss: 0.5 }, start: 1e6 - 2 });
    await model.refresh();
    expect(model.runs.map(r => r.info.run_id)).not.toContain('r2');
    expect(model.runs).toHaveLength(9);
  });

  it('a complete table of more than 500 runs drops deleted runs among the newest and keeps older ones', async () => {
    const list = newestFirst(700);
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 1000 });
    await model.setExperiments(['1']);
    await model.loadAll();
    expect(model.complete).toBe(true);
    expect(model.runs).toHaveLength(700);
    model.setSelection(['r10', 'r650']);
    list.splice(10, 1);
    await model.refresh();
    const ids = model.runs.map(r => r.info.run_id);
    expect(ids).toHaveLength(699);
    expect(ids).not.toContain('r10');
    expect(ids).toContain('r650');
    expect(new Set(ids).size).toBe(699);
    expect(model.selection).toEqual(['r650']);
    expect(model.complete).toBe(true);
  });

  it('a failed refresh keeps every row and the selection', async () => {
    const list = newestFirst(10);
    const { search } = fakeSearch(list);
    let fail = false;
    const model = new RunTableModel({
      search: o => (fail ? Promise.reject(new Error('down')) : search(o)),
      pageSize: 100
    });
    await model.setExperiments(['1']);
    model.setSelection(['r1']);
    list.splice(1, 1);
    fail = true;
    await model.refresh();
    expect(model.runs).toHaveLength(10);
    expect(model.selection).toEqual(['r1']);
  });
});

describe('RunTableModel filter', () => {
  it('sends the filter and starts over from the first page', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    await model.loadMore();
    await model.setFilter('  metrics.loss < 0.05 ');
    expect(calls[calls.length - 1]).toMatchObject({
      filter: 'metrics.loss < 0.05',
      pageToken: undefined
    });
    expect(model.runs).toHaveLength(50);
    expect(model.complete).toBe(true);
  });

  it('reports a filter the browser can tell is wrong without sending it', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    const before = calls.length;
    await model.setFilter("params.model = 'ridge");
    expect(calls).toHaveLength(before);
    expect(model.state).toMatchObject({
      kind: 'error',
      syntax: { message: 'A quote is not closed: %1', arg: "'" }
    });
  });

  it("explains MLflow's own syntax error as a syntax error", async () => {
    const { search } = fakeSearch(runs250());
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    await model.setFilter("metrics.loss bad 'x'");
    expect(model.state).toMatchObject({
      kind: 'error',
      syntax: {
        message: 'MLflow could not parse the filter: %1',
        arg: "Invalid clause(s) in filter string: 'bad'"
      }
    });
  });

  it('a server failure is an error, not a syntax error', async () => {
    const model = new RunTableModel({
      search: () => Promise.reject(new Error('502 Bad Gateway'))
    });
    await model.setExperiments(['1']);
    expect(model.state).toEqual({
      kind: 'error',
      message: '502 Bad Gateway',
      syntax: null
    });
  });

  it('a slow answer to an old query does not overwrite the new one', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>(resolve => (release = resolve));
    const { search: fast } = fakeSearch(runs250());
    const model = new RunTableModel({
      search: async options => {
        if (!options.filter) {
          await gate;
        }
        return fast(options);
      }
    });
    const first = model.setExperiments(['1']);
    await model.setFilter('metrics.loss < 0.01');
    release();
    await first;
    expect(model.filter).toBe('metrics.loss < 0.01');
    expect(model.runs).toHaveLength(10);
  });
});

describe('RunTableModel sweeps and selection', () => {
  const list = [
    makeRun('parent'),
    makeRun('c1', { tags: { 'mlflow.parentRunId': 'parent' } }),
    makeRun('c2', { tags: { 'mlflow.parentRunId': 'parent' } }),
    makeRun('orphan', { tags: { 'mlflow.parentRunId': 'not-loaded' } }),
    makeRun('solo')
  ];

  it('groups children under a loaded parent and expands on demand', async () => {
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    const ids = () => model.rows.map(r => `${r.depth}:${r.run.info.run_id}`);
    expect(ids()).toEqual(['0:parent', '0:orphan', '0:solo']);
    expect(model.rows[0].childCount).toBe(2);
    model.toggleExpanded('parent');
    expect(ids()).toEqual(['0:parent', '1:c1', '1:c2', '0:orphan', '0:solo']);
    model.toggleExpanded('parent');
    expect(ids()).toHaveLength(3);
  });

  it('selects the top N by a metric under the current filter', async () => {
    const { search, calls } = fakeSearch(runs250());
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    await model.setFilter('metrics.loss < 0.1');
    const ids = await model.selectTop('loss', 5, true);
    expect(calls[calls.length - 1]).toMatchObject({
      filter: 'metrics.loss < 0.1',
      orderBy: ['metrics.`loss` ASC'],
      maxResults: 5
    });
    expect(ids).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(model.selection).toEqual(ids);
  });

  it('toggles a hand selection and clears it for another experiment', async () => {
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    model.toggleSelected('solo');
    model.toggleSelected('c1');
    model.toggleSelected('solo');
    expect(model.selection).toEqual(['c1']);
    await model.setExperiments(['2']);
    expect(model.selection).toEqual([]);
  });
});

describe('RunTableModel sweep parents beyond the loaded pages', () => {
  /**
   * A realistic sweep: the parent starts first, so in MLflow's default order (newest first) its
   * 120 trials come before it and it is not on the first page.
   */
  function sweep() {
    const parent = makeRun('parent', { start: 0, name: 'sweep' });
    const trials = Array.from({ length: 120 }, (_, i) =>
      makeRun(`t${i}`, {
        start: 1000 + i,
        tags: { 'mlflow.parentRunId': 'parent' }
      })
    );
    const solo = makeRun('solo', { start: 5000 });
    // The fake answers in list order: MLflow's default, newest first.
    return [solo, ...trials.reverse(), parent];
  }

  it('fetches the parent of loaded trials and folds them under it, where the newest trial is', async () => {
    const { search, calls } = fakeSearch(sweep());
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.runs).toHaveLength(50);
    expect(calls[1]).toMatchObject({
      filter: "attributes.run_id IN ('parent')",
      maxResults: 1
    });
    expect(model.rows.map(r => [r.run.info.run_id, r.childCount])).toEqual([
      ['solo', 0],
      ['parent', 49]
    ]);
    expect(model.findRun('parent')?.info.run_name).toBe('sweep');
    model.toggleExpanded('parent');
    expect(model.rows[2].run.info.run_id).toBe('t119');
    expect(model.rows[2].depth).toBe(1);
  });

  it('keeps one row per run once the parent arrives with a page, and asks for it once', async () => {
    const { search, calls } = fakeSearch(sweep());
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    await model.loadMore();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.complete).toBe(true);
    const ids = model.rows.map(r => r.run.info.run_id);
    expect(ids).toEqual(['solo', 'parent']);
    expect(model.rows[1].childCount).toBe(120);
    expect(calls.filter(c => c.filter?.includes('run_id IN'))).toHaveLength(1);
  });

  it('folds nested sweeps under the top-most parent without showing a run twice', async () => {
    const list = [
      makeRun('c', { start: 3, tags: { 'mlflow.parentRunId': 'b' } }),
      makeRun('b', { start: 2, tags: { 'mlflow.parentRunId': 'a' } }),
      makeRun('a', { start: 1 })
    ];
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    model.toggleExpanded('a');
    expect(model.rows.map(r => `${r.depth}:${r.run.info.run_id}`)).toEqual([
      '0:a',
      '1:c',
      '1:b'
    ]);
  });

  it('never puts a parent id that MLflow could not have made into a filter', async () => {
    const list = [
      makeRun('x', { tags: { 'mlflow.parentRunId': "p') OR ('1" } })
    ];
    const { search, calls } = fakeSearch(list);
    const model = new RunTableModel({ search });
    await model.setExperiments(['1']);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(calls).toHaveLength(1);
    expect(model.rows.map(r => r.run.info.run_id)).toEqual(['x']);
  });
});

describe('RunTableModel refresh when new runs push a complete table past a page', () => {
  it('shows each run once after the refresh and the next page, and keeps the selection', async () => {
    const list = Array.from({ length: 100 }, (_, i) =>
      makeRun(`r${99 - i}`, { start: (99 - i) * 1000 })
    );
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 100 });
    await model.setExperiments(['1']);
    await model.loadMore();
    expect(model.complete).toBe(true);
    model.toggleSelected('r0');
    // Five new runs, newest first as MLflow answers.
    list.unshift(
      ...Array.from({ length: 5 }, (_, i) =>
        makeRun(`n${4 - i}`, { start: 200_000 + (4 - i) * 1000 })
      )
    );
    await model.refresh();
    await model.loadMore();
    const ids = model.runs.map(r => r.info.run_id);
    expect(ids).toHaveLength(105);
    expect(new Set(ids).size).toBe(105);
    expect(ids.slice(0, 2)).toEqual(['n4', 'n3']);
    expect(model.complete).toBe(true);
    expect(model.selection).toEqual(['r0']);
  });
});

describe('RunTableModel refresh of sweep parents fetched on their own', () => {
  it("shows a parent's new status, and lets its trials go loose once it is deleted", async () => {
    const parent = makeRun('parent', { start: 0 });
    parent.info.status = 'RUNNING';
    const trials = Array.from({ length: 60 }, (_, i) =>
      makeRun(`t${59 - i}`, {
        start: 1000 + 59 - i,
        tags: { 'mlflow.parentRunId': 'parent' }
      })
    );
    const list = [...trials, parent];
    const { search } = fakeSearch(list);
    const model = new RunTableModel({ search, pageSize: 50 });
    await model.setExperiments(['1']);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.rows.map(r => r.run.info.status)).toEqual(['RUNNING']);
    list[list.length - 1] = {
      ...parent,
      info: { ...parent.info, status: 'FINISHED' }
    };
    await model.refresh();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.rows.map(r => r.run.info.status)).toEqual(['FINISHED']);
    list.pop();
    await model.refresh();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.rows[0].run.info.run_id).toBe('t59');
    expect(model.rows.every(r => r.childCount === 0)).toBe(true);
  });
});
