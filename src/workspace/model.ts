import { ISignal, Signal } from '@lumino/signaling';
import { WorkspaceClient } from '../api/client';
import { classifyHandshake, Handshake } from '../api/version';

/**
 * What the panel shows about the server part: loading first, then the handshake's outcome.
 */
export type ServerStatus = { kind: 'loading' } | Handshake;

/**
 * State of the workspace panel. Holds no DOM; the panel renders it.
 */
export class WorkspaceModel {
  constructor(options: WorkspaceModel.IOptions) {
    this._client = options.client;
    this._frontendVersion = options.frontendVersion;
  }

  /** Emitted whenever `status` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The latest known status of the server part. */
  get status(): ServerStatus {
    return this._status;
  }

  /**
   * Ask the server part again. Concurrent calls share one request.
   */
  refresh(): Promise<void> {
    if (!this._pending) {
      this._setStatus({ kind: 'loading' });
      this._pending = this._client
        .getServerInfo()
        .then(
          info => classifyHandshake(this._frontendVersion, info),
          error => classifyHandshake(this._frontendVersion, error)
        )
        .then(status => {
          this._pending = null;
          this._setStatus(status);
        });
    }
    return this._pending;
  }

  private _setStatus(status: ServerStatus): void {
    this._status = status;
    this._changed.emit();
  }

  private _client: WorkspaceClient;
  private _frontendVersion: string;
  private _status: ServerStatus = { kind: 'loading' };
  private _pending: Promise<void> | null = null;
  private _changed = new Signal<this, void>(this);
}

export namespace WorkspaceModel {
  export interface IOptions {
    client: WorkspaceClient;
    frontendVersion: string;
  }
}
