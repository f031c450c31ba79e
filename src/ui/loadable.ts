/**
 * A value that is fetched: the union makes loading and error states explicit (empty is a ready
 * empty value). One definition for every model of the extension.
 */
export type Loadable<T> =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; value: T };

/**
 * Await `promise` and describe its outcome as a Loadable (never throws).
 *
 * @param promise - the fetch
 * @returns `ready` with the value, or `error` with the error's message
 */
export async function settle<T>(promise: Promise<T>): Promise<Loadable<T>> {
  try {
    return { kind: 'ready', value: await promise };
  } catch (error) {
    return {
      kind: 'error',
      message: error instanceof Error ? error.message : String(error)
    };
  }
}
