/**
 * The frontend's version, compared with the server part's on start.
 *
 * Kept in step with package.json by a unit test (the TypeScript root is src/, so package.json
 * cannot be imported here).
 */
export const FRONTEND_VERSION = '0.1.0';
