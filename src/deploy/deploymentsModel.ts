import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { WorkspaceClient } from '../api/client';
import { IDeployment, IInvocationResult } from '../api/types';
import { Loadable } from '../ui/loadable';

/** The state of one "Call endpoint" box. */
export type CallState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'answered'; result: IInvocationResult }
  | { kind: 'error'; message: string };

/**
 * The deployments the server part runs: polled while someone shows them (fast while one is
 * starting), with Stop and Call endpoint. Holds no DOM.
 */
export class DeploymentsModel {
  constructor(options: DeploymentsModel.IOptions) {
    this._client = options.client;
    this._poll = new Poll({
      auto: false,
      factory: () => this.refresh(),
      frequency: { interval: 5000, backoff: true, max: 30000 },
      name: 'jupyterlab-mlflow-workspace:deployments',
      standby: 'when-hidden'
    });
  }

  /** Emitted whenever anything shown changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The list, oldest first. */
  get deployments(): Loadable<IDeployment[]> {
    return this._list;
  }

  /** One deployment of the last list, if present. */
  find(id: string): IDeployment | undefined {
    return this._list.kind === 'ready'
      ? this._list.value.find(d => d.id === id)
      : undefined;
  }

  /** The error of the last Stop, by deployment. */
  stopError(id: string): string {
    return this._stopErrors.get(id) ?? '';
  }

  /** The last call of a deployment's endpoint. */
  callState(id: string): CallState {
    return this._calls.get(id) ?? { kind: 'idle' };
  }

  /**
   * Poll while someone shows the list (the panel's section while it is expanded and visible, a
   * Deploy dialog while it is open): the first watcher starts the poll, the last one to dispose
   * its handle stops it, so a collapsed section costs no request every 5 s.
   */
  watch(): IDisposable {
    this._watchers++;
    if (this._watchers === 1 && !this._poll.isDisposed) {
      void this._poll.start();
    }
    return new DisposableDelegate(() => {
      this._watchers--;
      if (this._watchers === 0 && !this._poll.isDisposed) {
        void this._poll.stop();
      }
    });
  }

  /** Whether the list is polled (someone watches it). */
  get polling(): boolean {
    return !['constructed', 'stopped', 'disposed'].includes(
      this._poll.state.phase
    );
  }

  /** Ask the server now; concurrent calls share one request. */
  refresh(): Promise<void> {
    if (!this._pending) {
      this._pending = this._load().finally(() => {
        this._pending = null;
      });
    }
    return this._pending;
  }

  /**
   * Stop a deployment and forget it.
   *
   * @param id - the deployment
   */
  async stop(id: string): Promise<void> {
    this._stopErrors.delete(id);
    this._stopping.add(id);
    this._changed.emit();
    try {
      await this._client.stopDeployment(id);
      this._calls.delete(id);
    } catch (error) {
      this._stopErrors.set(id, (error as Error).message);
    } finally {
      this._stopping.delete(id);
    }
    await this.refresh();
  }

  /** Whether a Stop of this deployment is under way. */
  isStopping(id: string): boolean {
    return this._stopping.has(id);
  }

  /**
   * Send a request to a deployment's `/invocations` and keep the answer.
   *
   * @param id - the deployment
   * @param body - JSON text
   */
  async call(id: string, body: string): Promise<CallState> {
    this._calls.set(id, { kind: 'sending' });
    this._changed.emit();
    let state: CallState;
    try {
      const result = await this._client.invokeDeployment(id, body);
      state = { kind: 'answered', result };
    } catch (error) {
      state = { kind: 'error', message: (error as Error).message };
    }
    this._calls.set(id, state);
    this._changed.emit();
    return state;
  }

  /** Stop polling. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  private async _load(): Promise<void> {
    try {
      const value = await this._client.listDeployments();
      this._list = { kind: 'ready', value };
      // Follow a starting service closely; an idle list slowly.
      const busy = value.some(d =>
        ['validating', 'starting', 'restarting'].includes(d.state)
      );
      const interval = busy ? 1000 : 5000;
      if (
        this._poll.frequency.interval !== interval &&
        !this._poll.isDisposed
      ) {
        this._poll.frequency = { ...this._poll.frequency, interval };
      }
    } catch (error) {
      this._list = { kind: 'error', message: (error as Error).message };
    }
    this._changed.emit();
  }

  private _client: WorkspaceClient;
  private _poll: Poll;
  private _watchers = 0;
  private _pending: Promise<void> | null = null;
  private _list: Loadable<IDeployment[]> = { kind: 'loading' };
  private _calls = new Map<string, CallState>();
  private _stopErrors = new Map<string, string>();
  private _stopping = new Set<string>();
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace DeploymentsModel {
  export interface IOptions {
    client: WorkspaceClient;
  }
}
