import { ISignal, Signal } from '@lumino/signaling';
import { IDisposable } from '@lumino/disposable';
import { WorkspaceClient } from '../api/client';
import { IDriftReport, IMonitorSummary } from '../api/types';
import { Loadable, settle } from '../ui/loadable';

/** The windows the view offers, in seconds. */
export const WINDOWS = [15 * 60, 3600, 6 * 3600, 24 * 3600, 7 * 86400];

/**
 * The state of one deployment's Monitor view: the chosen window, the traffic summary, the drift
 * report and the feature whose distributions are shown. It reads both while the view is shown
 * (every `intervalMs`), never two reads at once, and keeps the last answer on screen while the
 * next one is read; the view only renders it.
 */
export class MonitorModel implements IDisposable {
  constructor(options: MonitorModel.IOptions) {
    this._client = options.client;
    this.deploymentId = options.deploymentId;
    this.name = options.name;
    this._intervalMs = options.intervalMs ?? 5000;
  }

  readonly deploymentId: string;
  readonly name: string;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get windowS(): number {
    return this._windowS;
  }

  get summary(): Loadable<IMonitorSummary> {
    return this._summary;
  }

  get drift(): Loadable<IDriftReport> {
    return this._drift;
  }

  /** True while a read is under way (the last answer stays shown). */
  get busy(): boolean {
    return this._reading !== null;
  }

  get selectedFeature(): string | null {
    return this._selected;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  setWindow(windowS: number): void {
    if (windowS === this._windowS) {
      return;
    }
    this._windowS = windowS;
    this._changed.emit();
    void this.refresh();
  }

  selectFeature(name: string | null): void {
    this._selected = this._selected === name ? null : name;
    this._changed.emit();
  }

  /** Read both answers now (joins a read under way). */
  refresh(): Promise<void> {
    this._reading ??= this._read().finally(() => {
      this._reading = null;
      this._changed.emit();
    });
    this._changed.emit();
    return this._reading;
  }

  /** Read now and every interval until the returned handle is disposed (while shown). */
  watch(): IDisposable {
    void this.refresh();
    const timer = setInterval(() => void this.refresh(), this._intervalMs);
    return { dispose: () => clearInterval(timer), isDisposed: false };
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    Signal.clearData(this);
  }

  private async _read(): Promise<void> {
    const windowS = this._windowS;
    const [summary, drift] = await Promise.all([
      settle(this._client.deploymentMonitor(this.deploymentId, windowS)),
      settle(this._client.deploymentDrift(this.deploymentId, windowS))
    ]);
    if (this._disposed || windowS !== this._windowS) {
      return; // the window changed meanwhile: the newer read answers
    }
    // Each read replaces the answers, errors included: a server that went away must not look
    // like a quiet service.
    this._summary = summary;
    this._drift = drift;
  }

  private _client: Pick<
    WorkspaceClient,
    'deploymentMonitor' | 'deploymentDrift'
  >;
  private _intervalMs: number;
  private _windowS = 3600;
  private _summary: Loadable<IMonitorSummary> = { kind: 'loading' };
  private _drift: Loadable<IDriftReport> = { kind: 'loading' };
  private _selected: string | null = null;
  private _reading: Promise<void> | null = null;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace MonitorModel {
  export interface IOptions {
    client: Pick<WorkspaceClient, 'deploymentMonitor' | 'deploymentDrift'>;
    deploymentId: string;
    name: string;
    /** How often the shown view reads again (default 5 s). */
    intervalMs?: number;
  }
}
