// harmonium serve [--port P] [--open-log]: the browser demos (dist/demos) on 127.0.0.1 until Ctrl-C.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { HarmoniumError, InputError } from '../../engine/errors.js';
import { numberFlag, parseFlags } from '../cli_util.js';
import { serveStatic } from './static.js';

const DEFAULT_PORT = 8642;
/** A browser holding a request open must not keep Ctrl-C from ending the command. */
const CLOSE_GRACE_MS = 2000;

export const SERVE_HELP = `usage: harmonium serve [--port P] [--open-log]

Serves the browser demos (dist/demos) on http://127.0.0.1 only, until interrupted (Ctrl-C).
WebGPU needs a secure context; loopback http is one, so open the printed address as it is.

  --port P     port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --open-log   log each request (status, method, path) to stderr`;

/** dist/demos, next to this bundle (dist/cli.js), whatever the working directory. */
function demosRoot(): string {
  return fileURLToPath(new URL('./demos/', import.meta.url));
}

/** Node's http diagnostics channel sees every response of this process's servers: no hook in serveStatic needed. */
function logRequests(): () => void {
  const onFinish = (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    process.stderr.write(`${new Date().toISOString()} ${response.statusCode} ${request.method} ${request.url}\n`);
  };
  subscribe('http.server.response.finish', onFinish);
  return () => unsubscribe('http.server.response.finish', onFinish);
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { port: { type: 'string' }, 'open-log': { type: 'boolean' }, help: { type: 'boolean' } }, 'serve');
  if (values.help) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return;
  }
  const port = numberFlag(values.port, 'port', 'nonnegative-int', DEFAULT_PORT);
  if (port > 65535) throw new InputError(`--port must be at most 65535, got '${values.port}'`);
  const root = demosRoot();
  if (!existsSync(root)) throw new HarmoniumError(`no demos at ${root}: build them with 'node build.mjs' (bin/harmonium.mjs does it when dist/ is stale)`);

  let server;
  try {
    server = await serveStatic(root, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`--port ${port}: the port is in use; pick another (--port 0 picks a free one)`);
    if (code === 'EACCES') throw new InputError(`--port ${port}: not allowed to listen there; use a port above 1023`);
    throw e;
  }
  const stopLog = values['open-log'] ? logRequests() : () => undefined;
  process.stdout.write(`harmonium demos: ${server.url}/ising.html  (all demos: ${server.url}/)\n`);
  process.stderr.write(`serving ${root} on 127.0.0.1 only; Ctrl-C stops\n`);

  const signal = await new Promise<NodeJS.Signals>((ok) => {
    process.once('SIGINT', ok);
    process.once('SIGTERM', ok);
  });
  stopLog();
  await Promise.race([server.close(), new Promise((ok) => setTimeout(ok, CLOSE_GRACE_MS).unref())]);
  process.stderr.write(`stopped (${signal})\n`);
}
